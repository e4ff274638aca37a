Feature: Apology and re-appointment (Mẫu 04) happen at most once
  When a dossier cannot be returned on time the head of the processing agency apologises in
  writing and sets a new date. The law allows a single re-appointment per dossier.

  Background:
    Given the birth registration procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the civil-status officer "ht.minh" of unit "UBND-PHUCXA" is signed in
    And the leader "ld.hung" of unit "UBND-PHUCXA" is signed in
    And it is 09:00 on Tuesday 4 March 2025
    And a birth registration dossier accepted at the counter

  Scenario: The leader re-appoints once; the second re-appointment is refused
    When "ld.hung" re-appoints the dossier to "2025-03-06T17:00:00+07:00" because verification with another commune is needed
    Then the case's appointment is "2025-03-06T17:00:00+07:00"
    And the case's legal clock is "reappointed" "Đã hẹn lại"
    And a slip "mau_04" was issued with the new appointment and the signer
    When "ld.hung" re-appoints the dossier to "2025-03-07T17:00:00+07:00" because the reply is late
    Then the answer is 409 saying "only once"
    And the case's appointment is "2025-03-06T17:00:00+07:00"

  Scenario: A new date before the current appointment is refused naming the field
    When "ld.hung" re-appoints the dossier to "2025-03-04T11:00:00+07:00" because of a typing error
    Then the answer is 422 naming the field "/new_appointment_at"

  Scenario: Only a leader may re-appoint
    When "mc.lan" re-appoints the dossier to "2025-03-06T17:00:00+07:00" because the counter wants to
    Then the answer is 403
