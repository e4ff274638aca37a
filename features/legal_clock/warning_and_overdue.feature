Feature: The legal clock warns before the appointment and marks late dossiers overdue
  A birth registration must be returned the same working day (appointment 17:00). The engine
  watches every case's legal clock whatever its model: at 75% of the legal time the unit
  leader is warned, and past the appointment the dossier is overdue and listed for its unit.

  Background:
    Given the birth registration procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the civil-status officer "ht.minh" of unit "UBND-PHUCXA" is signed in
    And the leader "ld.hung" of unit "UBND-PHUCXA" is signed in
    And it is 09:00 on Tuesday 4 March 2025
    And a birth registration dossier accepted at the counter

  Scenario: At 75% of the legal time the unit leader gets a warning task
    # 6.5 working hours from 09:00 to 17:00; 75% of them have passed at 15:22:30.
    When the worker runs at 15:20 on Tuesday 4 March 2025
    Then the case's legal clock is "on_track" "Trong hạn"
    When the worker runs at 15:25 on Tuesday 4 March 2025
    Then the case's legal clock is "at_risk" "Sắp đến hạn"
    And "ld.hung" sees the task "sla_warning" in the unit's task list
    And the case history records "sla_warning"
    When "ld.hung" claims and completes "sla_warning" with an instruction to finish today
    Then the case history records "sla_warning_acknowledged"

  Scenario: Past the appointment the dossier is overdue, listed by unit, and finishes late
    When the worker runs at 17:30 on Tuesday 4 March 2025
    Then the case's legal clock is "overdue" "Quá hạn"
    And the case history records "case_overdue"
    And "ld.hung" finds the dossier among the unit's "overdue" dossiers
    And the delay summary counts 1 overdue dossier for unit "UBND-PHUCXA"
    And the delay summary lists a late step waiting for the "civil_status" group
    Given it is 09:00 on Wednesday 5 March 2025
    When "ht.minh" claims and completes "civil_status_record" with the registration approved
    And "ld.hung" claims and completes "leader_sign" with the certificate signed
    Then the case has status 9 "Đã xử lý xong"
    And the case is not on time by the Decision 766 rule
    And the handed-over step "civil_status_record" is marked late "Quá hạn"

  Scenario: A dossier finished before its appointment is on time
    When "ht.minh" claims and completes "civil_status_record" with the registration approved
    And "ld.hung" claims and completes "leader_sign" with the certificate signed
    Then the case is on time by the Decision 766 rule
    And the handed-over step "civil_status_record" is marked "Đúng hạn"
