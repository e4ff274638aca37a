Feature: A dossier that is not eligible is refused at the counter

  Background:
    Given the birth registration procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in

  Scenario: The counter refuses the dossier with a reason
    Given it is 09:00 on Tuesday 4 March 2025
    When "mc.lan" receives a birth registration dossier in person at unit "UBND-PHUCXA"
    And "mc.lan" claims and completes "counter_check" with the dossier ineligible
    Then the case has status 3 "Không được tiếp nhận"
    And a slip "mau_03" was issued with the refusal reason
    And the case is finished
    And the case has no open tasks
