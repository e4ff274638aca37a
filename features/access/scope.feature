Feature: Everyone sees their own dossiers and nobody else's
  An officer sees the dossiers and tasks of their own unit; to an officer of another unit such a
  dossier does not exist (404, so that not even its existence leaks). A citizen signed in with
  their personal ID number sees the dossiers lodged under that number: their status and
  appointment, and the slips they were given, never the officers' working data.

  Background:
    Given the birth registration procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the counter officer "mc.khac" of unit "UBND-HANGBAC" is signed in
    And it is 09:00 on Tuesday 4 March 2025

  Scenario: A dossier of another unit answers 404 to its officers
    When "mc.lan" receives a birth registration dossier in person at unit "UBND-PHUCXA"
    Then "mc.khac" gets 404 when opening the case
    And "mc.khac" gets 404 when opening the case's history
    And "mc.khac" gets 404 when opening the task "counter_check" of the case
    And "mc.khac" does not find the case in the case list
    And "mc.khac" does not see the task "counter_check" in the unit's task list

  Scenario: A citizen sees only their own dossiers, with status and appointment
    Given the citizen "cd.hoa" with personal ID "001190012345" is signed in
    And the citizen "cd.nam" with personal ID "001085009876" is signed in
    When "mc.lan" receives a birth registration dossier in person at unit "UBND-PHUCXA"
    Then "cd.hoa" finds exactly that dossier in their list
    And "cd.hoa" sees the dossier with status 1 "Mới đăng ký" and no appointment
    And "cd.nam" finds no dossier in their list
    And "cd.nam" gets 404 when opening the case
    When "mc.lan" claims and completes "counter_check" with the dossier complete
    Then "cd.hoa" sees the dossier with status 4 "Đang xử lý" and the appointment "2025-03-04T17:00:00+07:00"
    And "cd.hoa" can read the receipt slip "mau_01" of the dossier
    And "cd.hoa" gets 403 when reading the case's history
    And "cd.hoa" gets 403 when listing tasks
