Feature: History cannot be altered without detection
  Every event's hash covers its content and the previous event's hash, and a digest over every
  case's last hash is recorded from time to time: an edited, removed or reordered event, and a
  deleted case, are found by verification. Only a DBA can get past the database's refusal to
  update or delete history (the trigger); the scenarios below play that DBA.

  Background:
    Given the birth registration procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And an auditor "tt.thu" of unit "UBND-PHUCXA" is signed in
    And it is 09:00 on Tuesday 4 March 2025
    And a birth registration dossier accepted at the counter

  Scenario: An event payload edited directly in the database makes verification fail at that event
    Given verification by "tt.thu" finds that every link holds
    When a DBA edits the submitted data of the "counter_check" completion directly in the database
    Then verification by "tt.thu" fails at that event, as altered
    And verification of that case alone by "tt.thu" fails at the same event

  Scenario: A removed event breaks the chain at the event after it
    When a DBA deletes the "status_changed" event that follows the "counter_check" completion
    Then verification by "tt.thu" fails at the event after the deleted one, as a broken link

  Scenario: A deleted case is found through the digest
    Given an administrator records a digest of every history
    When a DBA deletes the case with its history and tasks directly in the database
    Then verification by "tt.thu" reports the case as missing

  Scenario: The worker records the day's digest without an administrator
    Given the worker records the daily digest at 23:30
    When the worker runs at 23:31 on Tuesday 4 March 2025
    And the worker runs at 23:45 on Tuesday 4 March 2025
    Then the auditor "tt.thu" sees one digest of the day, recorded by "system:worker"
    When a DBA deletes the case with its history and tasks directly in the database
    Then verification by "tt.thu" reports the case as missing
