Feature: The working day before the appointment an unfinished dossier needs an apology and a new date
  At the start of the working day before the appointment the engine gives the leader the
  apology and re-appointment task (Mẫu 04: reason, new date, signer). The law allows a single
  re-appointment per dossier ("không quá một lần").

  Background:
    Given the household business procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-HOANKIEM" is signed in
    And the business-registration officer "dkkd.thu" of unit "UBND-HOANKIEM" is signed in
    And the leader "ld.hung" of unit "UBND-HOANKIEM" is signed in
    And it is 09:00 on Tuesday 4 March 2025
    And a household business dossier accepted at the counter

  Scenario: The leader apologises and re-appoints once; a second re-appointment is refused
    When the worker runs at 17:00 on Wednesday 5 March 2025
    Then no task "apology_reappointment" is open for the case
    # The appointment is 09:00 Friday 7 March; the working day before starts at 07:30 Thursday.
    When the worker runs at 07:30 on Thursday 6 March 2025
    Then the case's legal clock is "apology_due" "Phải xin lỗi, hẹn lại"
    And "ld.hung" sees the task "apology_reappointment" in the unit's task list
    When "ld.hung" claims and completes "apology_reappointment" with a reason and a new date
    Then the case's appointment is "2025-03-11T09:00:00+07:00"
    And the case's legal clock is "reappointed" "Đã hẹn lại"
    And a slip "mau_04" was issued with the reason, the new appointment and the signer
    And no task "apology_reappointment" is open for the case
    When "ld.hung" re-appoints the dossier to "2025-03-12T09:00:00+07:00" through the API
    Then the answer is 409 saying a re-appointment is allowed only once
    And the case's appointment is "2025-03-11T09:00:00+07:00"
