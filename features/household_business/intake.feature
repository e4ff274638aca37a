Feature: The counter checks the dossier: it accepts it, asks once for a supplement, or refuses it

  Background:
    Given the household business procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-HOANKIEM" is signed in
    And the business-registration officer "dkkd.thu" of unit "UBND-HOANKIEM" is signed in

  Scenario: An incomplete dossier gets a supplement request; the clock starts at the complete dossier
    Given it is 09:00 on Tuesday 4 March 2025
    When "mc.lan" receives a household business dossier in person at unit "UBND-HOANKIEM"
    And "mc.lan" claims and completes "counter_check" with the dossier incomplete
    Then the case has status 5 "Yêu cầu bổ sung giấy tờ"
    And a slip "mau_02" was issued listing "có chữ ký của chủ hộ"
    And the case has no appointment yet
    Given it is 14:00 on Wednesday 5 March 2025
    When "mc.lan" claims and completes "receive_supplement" with the missing signature
    And "mc.lan" claims and completes "counter_check" with the dossier complete
    Then the case has status 4 "Đang xử lý"
    # 3 working days from 14:00 Wednesday: 3 + 8 + 8 + 5 hours, 14:00 Monday.
    And the case's appointment is "2025-03-10T14:00:00+07:00"
    And the case history lists the statuses 1, 5, 2, 4 in order

  Scenario: A dossier that is not eligible is refused at the counter
    Given it is 09:00 on Tuesday 4 March 2025
    When "mc.lan" receives a household business dossier in person at unit "UBND-HOANKIEM"
    And "mc.lan" claims and completes "counter_check" with the dossier ineligible
    Then the case has status 3 "Không được tiếp nhận"
    And a slip "mau_03" was issued with a reason mentioning "một hộ kinh doanh"
    And the case is finished
    And the case has no open tasks

  Scenario: The officer refuses the registration and processing stops
    Given it is 09:00 on Tuesday 4 March 2025
    And a household business dossier accepted at the counter
    When "dkkd.thu" claims and completes "review_registration" with the registration refused
    Then the case has status 8 "Dừng xử lý"
    And the case is finished
    And the case has no open tasks

  Scenario Outline: A dossier breaking a rule of the application form is refused naming the field
    Given it is 09:00 on Tuesday 4 March 2025
    When "mc.lan" receives a household business dossier whose <path> is <value>
    Then the answer is 422 naming the field "<pointer>"

    Examples:
      | path                             | value                      | pointer                           |
      | business.capital                 | -1                         | /business/capital                 |
      | business.capital                 | 1500000.5                  | /business/capital                 |
      | business.employees               | -2                         | /business/employees               |
      | business.name                    | "Phở Phúc"                 | /business/name                    |
      | business.name                    | "Hộ kinh doanh Công ty Phở" | /business/name                    |
      | business.lines_of_business       | []                         | /business/lines_of_business       |
      | business.lines_of_business.0.code | "561"                      | /business/lines_of_business/0/code |
      | owner.personal_id                | "00108502345"              | /owner/personal_id                |
      | owner.phone                      | "987654321"                | /owner/phone                      |
      | applicant.email                  | "levanphuc.example.vn"     | /applicant/email                  |
