Feature: Appointment dates counted in working days (ngày làm việc)
  The one-stop counter prints the appointment (ngày hẹn trả) on the receipt slip. It is counted
  in office time of the Vietnamese working calendar: Monday to Friday, 07:30-11:30 and
  13:00-17:00 (8 working hours make 1 working day), without the public holidays, with the
  make-up Saturdays (làm bù) the government declares. A dossier received after 15:00 counts
  from the next working day. Time limits are written 3WD (working days), 4WH (working hours)
  or SD (the same working day).

  Background:
    Given the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in

  Scenario: A dossier received just before Tết 2025 is due after the holiday
    # Tết Ất Tỵ: offices closed from Saturday 25 January to Sunday 2 February 2025.
    # Friday counts 10:00-11:30 and 13:00-17:00 (5.5 h), Monday 3 and Tuesday 4 February 16 h,
    # and the last 2.5 h run Wednesday morning.
    When "mc.lan" asks for the appointment of a dossier received at 10:00 on Friday 24 January 2025 with a time limit of "3WD"
    Then counting started at 10:00 on Friday 24 January 2025
    And the appointment is 10:00 on Wednesday 5 February 2025

  Scenario: A dossier received after 15:00 on the last day before Tết 2025 counts from after Tết
    When "mc.lan" asks for the appointment of a dossier received at 15:30 on Friday 24 January 2025 with a time limit of "3WD"
    Then counting started at 07:30 on Monday 3 February 2025
    And the appointment is 17:00 on Wednesday 5 February 2025

  Scenario: The make-up Saturday 26 April 2025 is a working day
    # Friday 2 May 2025 was given off in exchange for Saturday 26 April (Thông báo 6150/TB-BLĐTBXH).
    When "mc.lan" asks for the appointment of a dossier received at 16:00 on Friday 25 April 2025 with a time limit of "1WD"
    Then counting started at 07:30 on Saturday 26 April 2025
    And the appointment is 17:00 on Saturday 26 April 2025

  Scenario: The days off from 30 April to 4 May 2025 are skipped
    # Tuesday 29 April counts 6.5 h; 30/4, 1/5 and the swapped 2/5 are off, then the weekend;
    # Monday 5 May counts 8 h and the last 1.5 h run Tuesday 6 May from 07:30.
    When "mc.lan" asks for the appointment of a dossier received at 09:00 on Tuesday 29 April 2025 with a time limit of "2WD"
    Then the appointment is 09:00 on Tuesday 6 May 2025

  Scenario Outline: The 15:00 rule: after 15:00 the dossier counts from the next working day
    When "mc.lan" asks for the appointment of a dossier received at <received> on Tuesday 4 March 2025 with a time limit of "1WD"
    Then the appointment is <appointment>

    Examples:
      | received | appointment                     |
      | 14:30    | 14:30 on Wednesday 5 March 2025 |
      | 15:00    | 15:00 on Wednesday 5 March 2025 |
      | 15:01    | 17:00 on Wednesday 5 March 2025 |

  Scenario: A deadline that would fall on a Saturday runs on to Monday
    # Friday 10:00-17:00 is 5.5 h; Saturday and Sunday are not counted; 2.5 h more on Monday.
    When "mc.lan" asks for the appointment of a dossier received at 10:00 on Friday 7 March 2025 with a time limit of "1WD"
    Then the appointment is 10:00 on Monday 10 March 2025

  Scenario: A same-day procedure received after 15:00 on a Friday is due at the end of Monday
    When "mc.lan" asks for the appointment of a dossier received at 16:00 on Friday 7 March 2025 with a time limit of "SD"
    Then the appointment is 17:00 on Monday 10 March 2025

  Scenario: A limit in working hours skips the lunch break
    When "mc.lan" asks for the appointment of a dossier received at 09:00 on Tuesday 4 March 2025 with a time limit of "4WH"
    Then the appointment is 14:30 on Tuesday 4 March 2025

  Scenario: A time limit the calendar does not know is refused naming the field
    When "mc.lan" asks for the appointment of a dossier received at 10:00 on Friday 7 March 2025 with a time limit of "3 days"
    Then the answer is 422 naming the field "/limit"
