Feature: A non-interrupting timer on the officer's check asks the leader to chase the dossier
  The officer has 1.5 working days to check the name, the lines of business and the address.
  When they have passed without a decision, the model's boundary timer (working_days(1.5), not
  interrupting) gives the leader the task "Đôn đốc xử lý hồ sơ"; the officer's task stays open.

  Background:
    Given the household business procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-HOANKIEM" is signed in
    And the business-registration officer "dkkd.thu" of unit "UBND-HOANKIEM" is signed in
    And the leader "ld.hung" of unit "UBND-HOANKIEM" is signed in
    And it is 09:00 on Tuesday 4 March 2025
    And a household business dossier accepted at the counter

  Scenario: After 1.5 working days the leader gets the reminder while the officer's task stays open
    # Office hours 07:30-11:30 and 13:00-17:00: 6.5 h on Tuesday, 4 h Wednesday morning,
    # 1.5 h Wednesday afternoon = 12 working hours: the timer is due at 14:30 Wednesday.
    # The worker runs a minute after it (at 14:30 exactly, see the next scenario).
    When the worker runs at 14:25 on Wednesday 5 March 2025
    Then no task "remind_processing" is open for the case
    When the worker runs at 14:31 on Wednesday 5 March 2025
    Then the case history records the timer "timer_review_overdue" firing at 2025-03-05T14:30:00+07:00
    And "ld.hung" sees the task "remind_processing" in the unit's task list
    And "ld.hung" can act on the open task "remind_processing"
    And "dkkd.thu" can act on the open task "review_registration"
    And the open tasks of the case are "remind_processing" and "review_registration"
    When "ld.hung" claims and completes "remind_processing" with an instruction to finish by tomorrow morning
    Then the open tasks of the case are "review_registration"
    When "dkkd.thu" claims and completes "review_registration" with the registration approved
    Then the open tasks of the case are "record_tax_code"

  Scenario: The reminder is there when the worker runs at the very minute the timer is due
    When the worker runs at 14:30 on Wednesday 5 March 2025
    Then the case history records the timer "timer_review_overdue" firing at 2025-03-05T14:30:00+07:00
    And the open tasks of the case are "remind_processing" and "review_registration"

  Scenario: A reminder nobody answered is closed when the result is returned
    When the worker runs at 15:00 on Wednesday 5 March 2025
    And "dkkd.thu" claims and completes "review_registration" with the registration approved
    And "dkkd.thu" claims and completes "record_tax_code" with the tax code from the tax system
    Then the open tasks of the case are "leader_sign" and "remind_processing"
    When "ld.hung" claims and completes "leader_sign" with the certificate signed
    And "mc.lan" claims and completes "return_result" with the certificate handed over in person
    Then the case has status 10 "Đã trả kết quả"
    And the case is finished and returned
    And the case has no open tasks
