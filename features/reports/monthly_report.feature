Feature: The monthly Decision 766 report shows the on-time rate and who ran late
  Provinces publish each month the share of dossiers handled on time (indicator 2.1 of Decision
  766) with the units and officers who caused delays. A dossier finished after its appointment
  is late; one still in progress counts as on time while its appointment is ahead.

  Background:
    Given the birth registration procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the civil-status officer "ht.minh" of unit "UBND-PHUCXA" is signed in
    And the leader "ld.hung" of unit "UBND-PHUCXA" is signed in
    And it is 09:00 on Tuesday 4 March 2025

  Scenario: One dossier on time, one late, one in progress: two thirds on time
    Given a birth registration dossier accepted at the counter
    When "ht.minh" claims and completes "civil_status_record" with the registration approved
    And "ld.hung" claims and completes "leader_sign" with the certificate signed
    Given a birth registration dossier accepted at the counter
    When the worker runs at 17:30 on Tuesday 4 March 2025
    Given it is 09:00 on Wednesday 5 March 2025
    When "ht.minh" claims and completes "civil_status_record" with the registration approved
    And "ld.hung" claims and completes "leader_sign" with the certificate signed
    Given a birth registration dossier accepted at the counter
    When "ld.hung" asks for the 766 report of March 2025
    Then the report counts 3 dossiers received, 2 resolved and 1 in progress
    And the on-time rate of indicator 2.1 is 66.67%
    And the late steps name "ht.minh" of unit "UBND-PHUCXA" with 1 late step
    And the overdue dossiers list the late one with its step "civil_status_record" held by "ht.minh"
    And the HTML report draws 66.67% on its on-time chart

  Scenario: Officers do not get the report
    When "mc.lan" asks for the 766 report of March 2025
    Then the report is refused with 403
