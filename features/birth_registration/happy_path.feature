Feature: Birth registration (Đăng ký khai sinh, TTHC 1.001193) from receipt to returned result
  The one-stop counter (Bộ phận Một cửa) receives the dossier, the civil-status officer
  (công chức hộ tịch) checks and records it, the commune leader signs, and the counter returns
  the birth certificate, all on the same working day.

  Background:
    Given the birth registration procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the civil-status officer "ht.minh" of unit "UBND-PHUCXA" is signed in
    And the leader "ld.hung" of unit "UBND-PHUCXA" is signed in

  Scenario: A complete dossier runs to status 10 and the result is returned
    Given it is 09:00 on Tuesday 4 March 2025
    When "mc.lan" receives a birth registration dossier in person at unit "UBND-PHUCXA"
    Then the case has status 1 "Mới đăng ký"
    And "mc.lan" sees the task "counter_check" in the unit's task list
    When "mc.lan" claims and completes "counter_check" with the dossier complete
    Then the case has status 4 "Đang xử lý"
    And the case's appointment is "2025-03-04T17:00:00+07:00"
    And a receipt slip "mau_01" was issued with the appointment
    When "ht.minh" claims and completes "civil_status_record" with the registration approved
    And "ld.hung" claims and completes "leader_sign" with the certificate signed
    Then the case has status 9 "Đã xử lý xong"
    When "mc.lan" claims and completes "return_result" with the result handed over in person
    Then the case has status 10 "Đã trả kết quả"
    And the case is finished and returned
    And the case history lists the statuses 1, 2, 4, 9, 10 in order

  Scenario: Data entered at the counter is prefilled in the officer's form
    Given a birth registration dossier accepted at the counter
    When "ht.minh" opens the task "civil_status_record"
    Then the form shows the child's name from the application, read-only
    And the form's schema requires the 12-digit personal ID number of the child
