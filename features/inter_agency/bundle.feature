Feature: Birth registration, permanent residence and health insurance in one online dossier
  Under Decree 63/2024 one online dossier (liên thông) asks three agencies for three things. The
  commune registers the birth, then hands the dossier to the commune police and to social
  insurance at the same time; when both have answered, the commune tells the citizen. Each
  agency works on its own case in its own unit; the messages between the cases are routed by the
  dossier code, and the national portal hears every status of every case, in order.

  Background:
    Given the national portal is listening
    And it is 09:00 on Tuesday 4 March 2025
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the civil-status officer "ht.binh" of unit "UBND-PHUCXA" is signed in
    And the leader "ld.cuong" of unit "UBND-PHUCXA" is signed in
    And the police officer "ca.dung" of unit "CA-PHUCXA" is signed in
    And the social-insurance officer "bh.em" of unit "BHXH-BADINH" is signed in

  Scenario: The three agencies finish the bundle and the citizen is told once both have answered
    Given "mc.lan" receives an online bundle dossier for residence at "CA-PHUCXA" and insurance at "BHXH-BADINH"
    When the birth is registered and signed at the commune
    And the worker routes the messages
    Then a residence case of unit "CA-PHUCXA" was started by the bundle dossier
    And a health-insurance case of unit "BHXH-BADINH" was started by the bundle dossier
    And the bundle dossier waits for "await_residence" and "await_insurance"
    When "ca.dung" registers the child's permanent residence
    And the worker routes the messages
    Then the bundle dossier waits for "await_insurance"
    And the case has status 4 "Đang xử lý"
    When "bh.em" issues the child's health-insurance card
    And the worker routes the messages
    Then the case has status 9 "Đã xử lý xong"
    And the case shows the residence and the insurance card
    When "mc.lan" claims and completes "notify_citizen" telling the citizen through VNeID
    And the worker routes the messages
    Then the case has status 10 "Đã trả kết quả"
    And the case is finished and returned
    And the bundle dossier's history records 2 messages sent and 2 replies received
    And the national portal received the statuses 1, 2, 4, 9, 10 of the bundle dossier in order
    And the national portal received the statuses 1, 2, 4, 9 of the residence case in order
    And the national portal received a progress record for every step of the bundle dossier
    And every record the national portal received is signed and carries its idempotency key

  Scenario: The police refuse the residence; the citizen is still told, with the reason
    Given "mc.lan" receives an online bundle dossier for residence at "CA-PHUCXA" and insurance at "BHXH-BADINH"
    When the birth is registered and signed at the commune
    And the worker routes the messages
    And "ca.dung" refuses the residence because the address does not exist
    And "bh.em" issues the child's health-insurance card
    And the worker routes the messages
    Then the case has status 9 "Đã xử lý xong"
    And the residence case has status 8 "Dừng xử lý"
    And the case shows the residence was refused because the address does not exist

  Scenario: The police have not answered after 2 working days: the commune's leader chases them
    Given "mc.lan" receives an online bundle dossier for residence at "CA-PHUCXA" and insurance at "BHXH-BADINH"
    When the birth is registered and signed at the commune
    And the worker routes the messages
    And "bh.em" issues the child's health-insurance card
    And the worker routes the messages
    Then "ld.cuong" does not see the task "chase_residence" in the unit's task list yet
    When the worker runs every hour until 10:00 on Thursday 6 March 2025
    Then "ld.cuong" sees the task "chase_residence" in the unit's task list
    And "ld.cuong" does not see the task "chase_insurance" in the unit's task list yet
    When "ld.cuong" claims and completes "chase_residence" asking for the result today
    And "ca.dung" registers the child's permanent residence
    And the worker routes the messages
    Then the case has status 9 "Đã xử lý xong"
    And the bundle dossier waits for nothing
