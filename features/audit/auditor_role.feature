Feature: Auditors read everything in their units and act on nothing

  Background:
    Given the birth registration procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And an auditor "tt.thu" of unit "UBND-PHUCXA" is signed in
    And an auditor "tt.nam" of unit "UBND-TAYHO" is signed in
    And it is 09:00 on Tuesday 4 March 2025
    And "mc.lan" receives a birth registration dossier in person at unit "UBND-PHUCXA"

  Scenario: An auditor cannot complete a task
    Then the auditor "tt.thu" sees the case and its history
    And the auditor "tt.thu" gets 403 when claiming "counter_check"
    And the auditor "tt.thu" gets 403 when completing "counter_check" with the dossier complete
    And the case still has status 1 "Mới đăng ký"
    And the access log lists the auditor's reads of the case

  Scenario: An auditor of another unit sees nothing of the case
    Then the auditor "tt.nam" gets 404 when replaying the case
    And the auditor "tt.nam" gets 404 when opening the case
