Feature: A supplement requested during processing pauses the legal clock
  The time the citizen takes to bring the missing papers is not the agency's: the clock
  pauses when the officer asks for a supplement and resumes when the counter receives it,
  and the appointment moves by the paused working time.

  Background:
    Given the birth registration procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the civil-status officer "ht.minh" of unit "UBND-PHUCXA" is signed in
    And the leader "ld.hung" of unit "UBND-PHUCXA" is signed in
    And it is 09:00 on Tuesday 4 March 2025
    And a birth registration dossier accepted at the counter

  Scenario: The appointment moves by the working time the dossier waited for the citizen
    Given it is 10:00 on Tuesday 4 March 2025
    When "ht.minh" claims and completes "civil_status_record" asking for a supplement
    Then the case has status 5 "Yêu cầu bổ sung giấy tờ"
    And the case's legal clock is "paused" "Tạm dừng tính thời gian"
    And a slip "mau_02" was issued listing the missing documents
    When the worker runs at 17:30 on Tuesday 4 March 2025
    Then the case's legal clock is "paused" "Tạm dừng tính thời gian"
    Given it is 09:00 on Wednesday 5 March 2025
    When "mc.lan" claims and completes "receive_processing_supplement" with the missing papers
    Then the case has status 4 "Đang xử lý"
    # Paused 10:00 Tue to 09:00 Wed: 5.5 + 1.5 = 7 working hours; 17:00 Tue + 7 h = 16:00 Wed.
    And the case's appointment is "2025-03-05T16:00:00+07:00"
    And the case history records "clock_paused", "clock_resumed" and "appointment_changed"
    And the case has 1 supplement request and 7 paused working hours
