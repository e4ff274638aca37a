Feature: Incomplete dossiers get a supplement request and resume when the citizen brings the papers

  Background:
    Given the birth registration procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the civil-status officer "ht.minh" of unit "UBND-PHUCXA" is signed in
    And the leader "ld.hung" of unit "UBND-PHUCXA" is signed in

  Scenario: The counter requests a supplement, the citizen resubmits, the case goes on
    Given it is 09:00 on Tuesday 4 March 2025
    When "mc.lan" receives a birth registration dossier in person at unit "UBND-PHUCXA"
    And "mc.lan" claims and completes "counter_check" with the dossier incomplete
    Then the case has status 5 "Yêu cầu bổ sung giấy tờ"
    And a slip "mau_02" was issued listing the missing documents
    And the case has no appointment yet
    Given it is 14:00 on Wednesday 5 March 2025
    When "mc.lan" claims and completes "receive_supplement" with the missing papers
    And "mc.lan" claims and completes "counter_check" with the dossier complete
    Then the case has status 4 "Đang xử lý"
    And the case's appointment is "2025-03-05T17:00:00+07:00"
