Feature: Land without papers is posted publicly for 15 days, not counted in the time limit
  Land used without papers on the right to use it (Luật Đất đai 2024, art. 138) is posted
  publicly at the commune and in the neighbourhood for 15 days before the branch of the land
  registration office goes on (niêm yết công khai). The posting is one of the steps Decree
  151/2025 leaves out of the 20 working days: the legal clock pauses when it starts and resumes
  when it ends, and the appointment moves by the paused working time.

  Background:
    Given the national portal is listening
    And it is 09:00 on Tuesday 4 March 2025
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the land officer "dc.hung" of unit "UBND-PHUCXA" is signed in
    And the land registry officer "vp.thao" of unit "UBND-PHUCXA" is signed in
    And "mc.lan" receives a first land registration dossier without papers in person
    And "mc.lan" accepts the land dossier

  Scenario: The 15 days of posting move the appointment by 11 working days, past a holiday
    When it is 10:00 on Tuesday 4 March 2025
    And "dc.hung" finds the land eligible
    Then the legal clock of the dossier is paused for "public_posting"
    And "dc.hung" does not see the task "posting_report" in the unit's task list yet
    When the worker runs every day until 09:00 on Wednesday 19 March 2025
    Then the legal clock of the dossier is paused for "public_posting"
    When the worker runs every hour until 10:00 on Wednesday 19 March 2025
    Then "dc.hung" sees the task "posting_report" in the unit's task list
    And the appointment moved by 88 working hours of "public_posting" to "2025-04-17T09:00:00+07:00"
    When "dc.hung" closes the posting with no objection
    Then "vp.thao" sees the task "cadastral_survey" in the unit's task list

  Scenario: A neighbour disputes the boundary during the posting: processing stops
    When "dc.hung" finds the land eligible
    And the worker runs every day until 09:00 on Thursday 20 March 2025
    And "dc.hung" closes the posting with a neighbour's boundary dispute
    And the worker routes the messages
    Then the case has status 8 "Dừng xử lý"
    And the case is finished
    And the national portal received the statuses 1, 2, 4, 8 of the dossier in order
