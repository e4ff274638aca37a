Feature: The administrator keeps the override table of the calendar
  The `holidays` package knows the public holidays but not every decision: make-up Saturdays,
  days off decided later (by the Prime Minister, the Ministry of Home Affairs, a province).
  An administrator records them in the override table, each with its reason and legal
  reference. A change never edits a row: it adds a version, and the old ones are kept. The
  appointments counted from then on follow the table.

  Background:
    Given the administrator "qt.thu" is signed in
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in

  Scenario: The shipped make-up Saturdays are in the table with their legal reference
    When "mc.lan" lists the calendar overrides of 2025
    Then Saturday 26 April 2025 is listed as a make-up working day citing "6150/TB-BLĐTBXH", set by "system"

  Scenario: An extra day off moves the appointment, and withdrawing it moves it back
    # Received Thursday after 15:00: counting starts Friday 14 March, so 2WD end Monday 17.
    When "mc.lan" asks for the appointment of a dossier received at 16:00 on Thursday 13 March 2025 with a time limit of "2WD"
    Then the appointment is 17:00 on Monday 17 March 2025
    When "qt.thu" declares Friday 14 March 2025 an extra day off because "Nghỉ phòng, chống bão (ví dụ kiểm thử)" under "Công điện 01/CĐ-UBND (ví dụ)"
    Then the answer is 201
    When "mc.lan" asks for the appointment of a dossier received at 16:00 on Thursday 13 March 2025 with a time limit of "2WD"
    Then counting started at 07:30 on Monday 17 March 2025
    And the appointment is 17:00 on Tuesday 18 March 2025
    When "qt.thu" withdraws the override of Friday 14 March 2025 because "Bão đã tan, hủy lịch nghỉ"
    Then the answer is 200
    When "mc.lan" asks for the appointment of a dossier received at 16:00 on Thursday 13 March 2025 with a time limit of "2WD"
    Then the appointment is 17:00 on Monday 17 March 2025
    And the history of Friday 14 March 2025 lists the versions "off, withdrawn", both by "qt.thu"

  Scenario: A counter officer may not change the calendar
    When "mc.lan" declares Friday 14 March 2025 an extra day off because "Nghỉ đột xuất" under "Không có"
    Then the answer is 403
    And no override is in force on Friday 14 March 2025

  Scenario: A day that does not exist is refused naming the field
    When "qt.thu" declares the day "2025-02-30" an extra day off because "Nghỉ đột xuất" under "Công điện 02/CĐ-UBND (ví dụ)"
    Then the answer is 422 naming the field "/day"

  Scenario: An extra day off on a Sunday would change nothing and is refused
    When "qt.thu" declares Sunday 16 March 2025 an extra day off because "Nghỉ đột xuất" under "Công điện 03/CĐ-UBND (ví dụ)"
    Then the answer is 409
