Feature: First land registration with the tax office: the certificate only after payment
  A household registers the land it has used since 1992 and asks for its first certificate
  (đăng ký đất đai, cấp Giấy chứng nhận lần đầu; 17 + 3 = 20 working days). The commune's
  one-stop counter receives the dossier; the commune's land officer and the branch of the land
  registration office check it; the branch sends the cadastral data to the tax office (phiếu
  chuyển thông tin địa chính), which runs its own case and sends back a payment notice (thông
  báo nộp tiền). Neither the tax office's work nor the citizen's payment counts against the 20
  working days: the legal clock is paused and the appointment moves by the paused working
  time. The dossier waits at status 6 until the payment is confirmed, by the State Treasury or
  by a tax officer; only then is the certificate printed, signed and handed over.

  Background:
    Given the national portal is listening
    And it is 09:00 on Tuesday 4 March 2025
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the land officer "dc.hung" of unit "UBND-PHUCXA" is signed in
    And the land registry officer "vp.thao" of unit "UBND-PHUCXA" is signed in
    And the leader "ld.cuong" of unit "UBND-PHUCXA" is signed in
    And the tax officer "thue.minh" of unit "THUE-BADINH" is signed in
    And the treasury system "kbnn-gateway" is signed in

  Scenario: The land-use fee is paid through the State Treasury and the certificate follows
    Given "mc.lan" receives a first land registration dossier in person
    When "mc.lan" accepts the land dossier
    Then the case has status 4 "Đang xử lý"
    And the case's appointment is "2025-04-01T09:00:00+07:00"
    When the commune and the land registration office check the land and the conditions
    And it is 10:00 on Monday 10 March 2025
    And "vp.thao" sends the cadastral data to tax office "THUE-BADINH"
    And the worker routes the messages
    Then a tax case of unit "THUE-BADINH" was started by the land dossier
    And the tax case has status 4 "Đang xử lý"
    And the legal clock of the dossier is paused for "tax_determination"
    When it is 14:00 on Wednesday 12 March 2025
    And "thue.minh" issues the payment notice for the land-use fee and registration fee
    And the worker routes the messages
    Then the case has status 6 "Yêu cầu thực hiện nghĩa vụ tài chính"
    And the tax case has status 6 "Yêu cầu thực hiện nghĩa vụ tài chính"
    And the appointment moved by 18.5 working hours of "tax_determination" to "2025-04-03T11:30:00+07:00"
    And the legal clock of the dossier is paused for "financial_obligation"
    And the dossier's handoff "payment_notice_issued" was acknowledged on delivery
    And nobody can print, sign or hand over the certificate yet
    When it is 10:00 on Monday 17 March 2025
    And "kbnn-gateway" confirms the payment of the land dossier with key "nsnn-2025-0031544"
    Then the answer is 200 and the message was delivered to "treasury_paid"
    And the tax case has status 9 "Đã xử lý xong"
    When the worker routes the messages
    Then the case has status 4 "Đang xử lý"
    And the appointment moved by 21.5 working hours of "financial_obligation" to "2025-04-09T09:00:00+07:00"
    And the dossier's legal clock was paused 40 working hours in all
    And "vp.thao" sees the task "print_certificate" in the unit's task list
    When it is 09:00 on Tuesday 18 March 2025
    And the certificate is printed, signed and handed over
    And the worker routes the messages
    Then the case has status 10 "Đã trả kết quả"
    And the case is finished and returned
    And the dossier is "done" and was resolved on time
    And the case history lists the statuses 1, 2, 4, 6, 4, 9, 10 in order
    And the national portal received the statuses 1, 2, 4, 6, 4, 9, 10 of the dossier in order
    And the national portal received the statuses 1, 2, 4, 6, 9 of the tax case in order
    And the national portal was told every new appointment of the dossier
    And every record the national portal received is signed and carries its idempotency key

  Scenario: Nothing is printed, signed or handed over while the citizen has not paid
    Given "mc.lan" receives a first land registration dossier in person
    And "mc.lan" accepts the land dossier
    And the commune and the land registration office checked the land and the conditions
    And "vp.thao" sends the cadastral data to tax office "THUE-BADINH"
    And the worker routes the messages
    And "thue.minh" issues the payment notice for the land-use fee and registration fee
    And the worker routes the messages
    Then the case has status 6 "Yêu cầu thực hiện nghĩa vụ tài chính"
    When the worker runs every day until 09:00 on Monday 14 April 2025
    Then the case still has status 6 "Yêu cầu thực hiện nghĩa vụ tài chính"
    And nobody can print, sign or hand over the certificate yet
    And the legal clock of the dossier is paused for "financial_obligation"
    And the case's appointment is "2025-04-01T09:00:00+07:00"
    When "thue.minh" confirms the receipt the citizen shows at the tax office
    And the worker routes the messages
    Then the case has status 4 "Đang xử lý"
    And "vp.thao" sees the task "print_certificate" in the unit's task list
    And the dossier's handoff "financial_obligation_fulfilled" awaits acknowledgement until "2025-04-14T11:00:00+07:00"

  Scenario: Only the State Treasury's system can confirm a payment from outside
    Given "mc.lan" receives a first land registration dossier in person
    And "mc.lan" accepts the land dossier
    And the commune and the land registration office checked the land and the conditions
    And "vp.thao" sends the cadastral data to tax office "THUE-BADINH"
    And the worker routes the messages
    And "thue.minh" issues the payment notice for the land-use fee and registration fee
    And the worker routes the messages
    And the bank system "bank-gateway" is signed in
    When "bank-gateway" confirms the payment of the land dossier with key "forged-1"
    Then the answer is 403: procedure "land_financial_obligation" does not take "state_budget_payment_received" from "bank-gateway"
    When "bank-gateway" tells the land dossier that its financial obligation is fulfilled
    Then the answer is 403: procedure "land_registration" does not take "financial_obligation_fulfilled" from "bank-gateway"
    When the worker routes the messages
    Then the case still has status 6 "Yêu cầu thực hiện nghĩa vụ tài chính"
    And nobody can print, sign or hand over the certificate yet

  Scenario: A household exempt from the land-use fee is not asked to pay
    Given "mc.lan" receives a first land registration dossier in person
    And "mc.lan" accepts the land dossier
    And the commune and the land registration office checked the land and the conditions
    And "vp.thao" sends the cadastral data to tax office "THUE-BADINH"
    And the worker routes the messages
    When "thue.minh" issues a notice that the household is exempt
    And the worker routes the messages
    Then the case has status 4 "Đang xử lý"
    And the tax case has status 9 "Đã xử lý xong"
    And "vp.thao" sees the task "print_certificate" in the unit's task list
    And the dossier's handoff "payment_notice_issued" awaits acknowledgement until "2025-03-04T11:00:00+07:00"
    When the certificate is printed, signed and handed over
    And the worker routes the messages
    Then the dossier's handoff "payment_notice_issued" was acknowledged in time by "vp.thao" at "2025-03-04T09:00:00+07:00" (task_claimed)
    And the case history lists the statuses 1, 2, 4, 9, 10 in order
    And the national portal received the statuses 1, 2, 4, 9, 10 of the dossier in order
