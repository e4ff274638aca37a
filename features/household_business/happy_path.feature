Feature: Household-business registration (Đăng ký thành lập hộ kinh doanh, TTHC 1.001612) from receipt to returned result
  The one-stop counter (Bộ phận Một cửa) receives the dossier; the business-registration officer
  (chuyên viên đăng ký kinh doanh) checks the name, the lines of business and the address and
  records the tax code the tax system issues; the leader signs the certificate; the counter
  returns it. The legal time limit is 3 working days from the complete dossier.

  Background:
    Given the household business procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-HOANKIEM" is signed in
    And the business-registration officer "dkkd.thu" of unit "UBND-HOANKIEM" is signed in
    And the leader "ld.hung" of unit "UBND-HOANKIEM" is signed in

  Scenario: A complete dossier runs to status 10 and the appointment is 3 working days out
    Given it is 09:00 on Tuesday 4 March 2025
    When "mc.lan" receives a household business dossier in person at unit "UBND-HOANKIEM"
    Then the case has status 1 "Mới đăng ký"
    And "mc.lan" sees the task "counter_check" in the unit's task list
    When "mc.lan" claims and completes "counter_check" with the dossier complete
    Then the case has status 4 "Đang xử lý"
    # 3 working days of 8 hours from 09:00 Tuesday: 09:00 Friday
    # (motcua calendar due --received 2025-03-04T09:00:00+07:00 --limit 3WD).
    And the case's appointment is "2025-03-07T09:00:00+07:00"
    And a receipt slip "mau_01" was issued to the owner with the appointment
    And "dkkd.thu" sees the task "review_registration" in the unit's task list
    Given it is 10:00 on Wednesday 5 March 2025
    When "dkkd.thu" claims and completes "review_registration" with the registration approved
    And "dkkd.thu" claims and completes "record_tax_code" with the tax code from the tax system
    Then the case data holds the tax code "0109876543"
    Given it is 14:00 on Wednesday 5 March 2025
    When "ld.hung" claims and completes "leader_sign" with the certificate signed
    Then the case has status 9 "Đã xử lý xong"
    Given it is 08:00 on Thursday 6 March 2025
    When "mc.lan" claims and completes "return_result" with the certificate handed over in person
    Then the case has status 10 "Đã trả kết quả"
    And the case is finished and returned
    And the case has no open tasks
    And the case is on time by the Decision 766 rule
    And the case history lists the statuses 1, 2, 4, 9, 10 in order

  Scenario: Data typed once is shown read-only to the later steps
    Given it is 09:00 on Tuesday 4 March 2025
    And a household business dossier accepted at the counter
    When "dkkd.thu" opens the task "review_registration"
    Then the form shows the business and its owner from the application, read-only
    When "dkkd.thu" claims and completes "review_registration" with the registration approved
    And "dkkd.thu" opens the task "record_tax_code"
    Then the form's schema requires a 10-digit tax code
    When "dkkd.thu" claims and completes "record_tax_code" with the tax code from the tax system
    And "ld.hung" opens the task "leader_sign"
    Then the form shows the business and its owner from the application, read-only
    And the form shows the tax code read-only

  Scenario: The leader returns the certificate for review with a comment the officer sees
    Given it is 09:00 on Tuesday 4 March 2025
    And a household business dossier accepted at the counter
    When "dkkd.thu" claims and completes "review_registration" with the registration approved
    And "dkkd.thu" claims and completes "record_tax_code" with the tax code from the tax system
    And "ld.hung" claims and completes "leader_sign" with the certificate returned for review
    Then the case still has status 4 "Đang xử lý"
    And "dkkd.thu" sees the leader's comment read-only in "review_registration"
