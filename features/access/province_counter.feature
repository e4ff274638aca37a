Feature: The provincial centre receives dossiers for the communes of its province (phi địa giới)
  Since 1 July 2025 a dossier may be lodged at any counter of the province, whatever commune
  handles it (Decree 118/2025, "không phụ thuộc vào địa giới hành chính trong phạm vi cấp tỉnh").
  The unit directory says which province each unit belongs to, and which counters receive
  province-wide. The counter that received the dossier checks it and returns the result; the
  commune's officers handle it in between. A counter of another province is refused.

  Background:
    Given the birth registration procedure is deployed
    And the unit directory:
      | unit        | name                                                    | province | receives |
      | TTPVHCC-HN  | Trung tâm Phục vụ hành chính công thành phố Hà Nội      | 01       | province |
      | UBND-PHUCXA | UBND phường Phúc Xá                                     | 01       |          |
      | UBND-TAYHO  | UBND phường Tây Hồ                                      | 01       |          |
      | TTPVHCC-HCM | Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh | 79       | province |
    And the counter officer "tt.lan" of unit "TTPVHCC-HN" is signed in
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the civil-status officer "ht.minh" of unit "UBND-PHUCXA" is signed in
    And the leader "ld.hung" of unit "UBND-PHUCXA" is signed in
    And it is 09:00 on Tuesday 4 March 2025

  Scenario: The provincial counter receives for a commune, which handles it, and returns the result
    When "tt.lan" receives a birth registration dossier in person at counter "TTPVHCC-HN" for unit "UBND-PHUCXA"
    Then the case is handled by "UBND-PHUCXA" and was received by "TTPVHCC-HN"
    And "tt.lan" sees the task "counter_check" in the unit's task list
    And "mc.lan" does not see the task "counter_check" in the unit's task list
    When "tt.lan" claims and completes "counter_check" with the dossier complete
    Then the case has status 4 "Đang xử lý"
    And "ht.minh" sees the task "civil_status_record" in the unit's task list
    And "tt.lan" does not see the task "civil_status_record" in the unit's task list
    When "ht.minh" claims and completes "civil_status_record" with the registration approved
    And "ld.hung" claims and completes "leader_sign" with the certificate signed
    Then "tt.lan" sees the task "return_result" in the unit's task list
    When "tt.lan" claims and completes "return_result" with the result handed over in person
    Then the case has status 10 "Đã trả kết quả"

  Scenario: The provincial centre's auditor verifies the dossiers its counter received
    Given the auditor "ks.thu" of unit "TTPVHCC-HN" is signed in
    When "tt.lan" receives a birth registration dossier in person at counter "TTPVHCC-HN" for unit "UBND-PHUCXA"
    And "tt.lan" claims and completes "counter_check" with the dossier complete
    Then the verification by "ks.thu" covers the dossier and finds its chain intact

  Scenario: A counter of another province is refused
    Given the counter officer "tt.binh" of unit "TTPVHCC-HCM" is signed in
    When "tt.binh" tries to receive a birth registration dossier at counter "TTPVHCC-HCM" for unit "UBND-PHUCXA"
    Then the answer is 403 saying "UBND-PHUCXA belongs to province 01"
    And no dossier of unit "UBND-PHUCXA" exists

  Scenario: A commune's counter receives only its own dossiers
    When "mc.lan" tries to receive a birth registration dossier at counter "UBND-PHUCXA" for unit "UBND-TAYHO"
    Then the answer is 403 saying "UBND-PHUCXA receives only its own dossiers"
    And no dossier of unit "UBND-TAYHO" exists
