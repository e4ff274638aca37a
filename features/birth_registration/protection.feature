Feature: Officers act only within their unit, on live tasks, with valid data

  Background:
    Given the birth registration procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the counter officer "mc.binh" of unit "UBND-TAYHO" is signed in
    And it is 09:00 on Tuesday 4 March 2025
    And "mc.lan" receives a birth registration dossier in person at unit "UBND-PHUCXA"

  Scenario: An officer of another unit can neither see nor complete the task
    Then "mc.binh" does not see the task "counter_check" in the unit's task list
    And "mc.binh" gets 404 when opening the case
    And "mc.binh" gets 404 when completing "counter_check" with the dossier complete

  Scenario: A stale completion is refused with 409
    When "mc.lan" claims and completes "counter_check" with the dossier complete
    Then completing the same "counter_check" task again gets 409

  Scenario: Invalid form data is refused with 422 naming the field
    When "mc.lan" claims "counter_check"
    And "mc.lan" completes "counter_check" with check result "incomplete" and no missing documents
    Then the answer is 422 naming the field "/missing_documents"
    And the case still has status 1 "Mới đăng ký"

  Scenario: An invalid personal ID at receipt is refused with 422 naming the field
    When "mc.lan" receives a dossier whose applicant's personal ID has 11 digits
    Then the answer is 422 naming the field "/applicant/personal_id"
