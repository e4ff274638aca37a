Feature: The working calendar of a year, with the reason for every day
  Officers and analysts check which weekdays are off in a year and which Saturdays are worked,
  each with its reason and legal basis (Labour Code 2019 art. 111-112, the yearly notice).

  Background:
    Given the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in

  Scenario: Tết, the Quốc khánh swap and the new Ngày Văn hóa Việt Nam in 2026
    When "mc.lan" opens the working calendar of 2026
    Then every weekday from Monday 16 February 2026 to Friday 20 February 2026 is off for "Tết Nguyên đán"
    And Monday 27 April 2026 is off for "Nghỉ bù Giỗ Tổ Hùng Vương"
    And Monday 31 August 2026 is off for "Nghỉ hoán đổi, làm bù vào ngày 22/08/2026"
    And Tuesday 24 November 2026 is off for "Ngày Văn hóa Việt Nam"
    And Saturday 22 August 2026 is a make-up working day citing "9441/TB-BNV"
    And Saturday 22 August 2026 is the only make-up working day of 2026

  Scenario: Tết 2025 and the 26 April make-up Saturday
    When "mc.lan" opens the working calendar of 2025
    Then every weekday from Monday 27 January 2025 to Friday 31 January 2025 is off for "Tết Nguyên đán"
    And Friday 2 May 2025 is off for "Nghỉ hoán đổi, làm bù vào ngày 26/04/2025"
    And Saturday 26 April 2025 is a make-up working day citing "6150/TB-BLĐTBXH"
