Feature: A supplement requested during processing pauses the legal clock
  The officer finds the business name already taken and asks for a corrected application
  (Mẫu 02). The time the citizen takes is not the agency's: the clock pauses with the reason
  "supplement", resumes when the counter receives the correction, and the appointment moves by
  the paused working time.

  Background:
    Given the household business procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-HOANKIEM" is signed in
    And the business-registration officer "dkkd.thu" of unit "UBND-HOANKIEM" is signed in
    And the leader "ld.hung" of unit "UBND-HOANKIEM" is signed in
    And it is 09:00 on Tuesday 4 March 2025
    And a household business dossier accepted at the counter

  Scenario: The appointment moves by the working time the dossier waited for the citizen
    Given it is 10:00 on Wednesday 5 March 2025
    When "dkkd.thu" claims and completes "review_registration" with a request to correct the business name
    Then the case has status 5 "Yêu cầu bổ sung giấy tờ"
    And the case's legal clock is "paused" "Tạm dừng tính thời gian"
    And the legal clock is paused for the reason "supplement"
    And a slip "mau_02" was issued listing "sửa tên riêng"
    When the worker runs at 17:30 on Wednesday 5 March 2025
    Then the case's legal clock is "paused" "Tạm dừng tính thời gian"
    And no task "remind_processing" is open for the case
    Given it is 09:00 on Thursday 6 March 2025
    When "mc.lan" claims and completes "receive_processing_supplement" with the corrected application
    Then the case has status 4 "Đang xử lý"
    # Paused 10:00 Wednesday to 09:00 Thursday: 1.5 + 4 + 1.5 = 7 working hours.
    # 09:00 Friday + 7 h = 6.5 h on Friday + 0.5 h on Monday: 08:00 Monday 10 March.
    And the case's appointment is "2025-03-10T08:00:00+07:00"
    And the case has 1 supplement request and 7 paused working hours
    And the case's legal clock is "on_track" "Trong hạn"
    And the case data holds the corrected business name
    When "dkkd.thu" claims and completes "review_registration" with the registration approved
    And "dkkd.thu" claims and completes "record_tax_code" with the tax code from the tax system
    And "ld.hung" claims and completes "leader_sign" with the certificate signed
    And "mc.lan" claims and completes "return_result" with the certificate handed over in person
    Then the case has status 10 "Đã trả kết quả"
    And the case is on time by the Decision 766 rule
    And the case history lists the statuses 1, 2, 4, 5, 4, 9, 10 in order
