Feature: Auditors replay a case and see it as it stood at any point of its history
  An auditor (thanh tra, kiểm tra) re-runs a dossier from its recorded inputs on the exact model
  version it ran, checks the engine reaches the state that is stored, and looks at the case as
  it stood after any step: status, open tasks and who held them, data and appointment.

  Background:
    Given the birth registration procedure is deployed
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the civil-status officer "ht.minh" of unit "UBND-PHUCXA" is signed in
    And the leader "ld.hung" of unit "UBND-PHUCXA" is signed in
    And an auditor "tt.thu" of unit "UBND-PHUCXA" is signed in

  Scenario: An auditor replays a birth registration and sees it as it stood after the counter's check
    Given it is 09:00 on Tuesday 4 March 2025
    And a birth registration dossier accepted at the counter
    And it is 10:30 on Tuesday 4 March 2025
    When "ht.minh" claims "civil_status_record"
    And the auditor "tt.thu" replays the case
    Then the replay matches the stored case
    When the auditor "tt.thu" asks for the case as it stood after "counter_check" was completed
    Then the case then had status 4 "Đang xử lý"
    And its open task then was "civil_status_record", held by nobody
    And its data then had the check result "complete"
    And its appointment then was "2025-03-04T17:00:00+07:00"
    When the auditor "tt.thu" asks for the case as it stood at "2025-03-04T10:45:00+07:00"
    Then its open task then was "civil_status_record", held by "ht.minh"
    And the access log lists the auditor's replay and as-of reads of the case

  Scenario: The tracking slip (Mẫu 06) lists every hand-over with its verdict
    Given it is 09:00 on Tuesday 4 March 2025
    And a birth registration dossier accepted at the counter
    And it is 16:30 on Tuesday 4 March 2025
    When "ht.minh" claims and completes "civil_status_record" with the registration approved
    And the auditor "tt.thu" prints the tracking slip of the case
    Then the slip has a row "counter_check" handed over by "mc.lan" to "mc.lan" judged "Đúng hạn"
    And the slip has a row "civil_status_record" handed over by "mc.lan" to "ht.minh" judged "Quá hạn"
    And the printable slip is an HTML page titled "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"
