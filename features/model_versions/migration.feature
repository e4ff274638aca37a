Feature: Running cases move to a new version of their model only where the difference is safe
  A new version of a procedure never changes running cases by itself: each case stays on the
  version it started on. An administrator checks chosen cases with a dry run, then moves them;
  a case moves only if the new version keeps the step it is waiting at, and is otherwise
  refused with the reason. Each move is an event on the case's hash chain.

  Background:
    Given the analyst "analyst.an" has deployed version 1 of "migration_demo"
    And the officer "cv.an" of unit "UBND-TEST" is signed in
    And the administrator "admin.ha" is signed in
    And it is 09:00 on Tuesday 4 March 2025
    And "cv.an" has received a dossier now waiting at "review"
    And "cv.an" has received a dossier now waiting at "intake"
    And the analyst "analyst.an" has deployed version 2 of "migration_demo", which adds "check_residence" after "review" and removes "intake"

  Scenario: A dry run reports which cases can move and moves none
    When "admin.ha" asks for a dry run of moving every running case from version 1 to version 2
    Then the dossier waiting at "review" is reported safe
    And the dossier waiting at "intake" is reported unsafe: "task 'Intake' is waiting on element 'intake', which version 2 removes"
    And the dossier waiting at "review" is still on version 1
    And the dossier waiting at "intake" is still on version 1

  Scenario: A case waiting at the officer's task is moved and then reaches the new step
    When "admin.ha" moves the dossier waiting at "review" from version 1 to version 2
    Then the dossier waiting at "review" is reported migrated
    And the dossier waiting at "review" is on version 2 and its history records the move
    When "cv.an" claims and completes "review" of the dossier waiting at "review"
    Then the dossier waiting at "review" has the open task "check_residence"

  Scenario: A case sitting on a removed task is refused with the reason
    When "admin.ha" moves the dossier waiting at "intake" from version 1 to version 2
    Then the dossier waiting at "intake" is reported unsafe: "task 'Intake' is waiting on element 'intake', which version 2 removes"
    And the dossier waiting at "intake" is still on version 1
    And the dossier waiting at "intake" still has the open task "intake"
