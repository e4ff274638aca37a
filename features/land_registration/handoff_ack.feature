Feature: The tax office must take the cadastral data up within 2 working hours
  Every message a case sends to another agency is a handoff the receiving agency must take up
  within an allotment: 2 working hours by default (the acknowledgement time of Decree 63/2024),
  counted in the office hours of the sending unit. The tax office takes the transfer note up
  when one of its officers claims (or completes) the task it created. If nobody has by then,
  the worker gives the leaders of the sending unit, once, a task to chase the other agency; the
  models draw nothing for it.

  Background:
    Given the national portal is listening
    And it is 09:00 on Tuesday 4 March 2025
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the land officer "dc.hung" of unit "UBND-PHUCXA" is signed in
    And the land registry officer "vp.thao" of unit "UBND-PHUCXA" is signed in
    And the leader "ld.cuong" of unit "UBND-PHUCXA" is signed in
    And the tax officer "thue.minh" of unit "THUE-BADINH" is signed in
    And the leader "thue.lan" of unit "THUE-BADINH" is signed in

  Scenario: The tax office takes the transfer note up in time: nobody is alerted
    Given "mc.lan" receives a first land registration dossier in person
    And "mc.lan" accepts the land dossier
    And the commune and the land registration office checked the land and the conditions
    When it is 10:00 on Tuesday 11 March 2025
    And "vp.thao" sends the cadastral data to tax office "THUE-BADINH"
    And the worker routes the messages
    Then the dossier's handoff "cadastral_data_transferred" awaits acknowledgement until "2025-03-11T13:30:00+07:00"
    When it is 11:15 on Tuesday 11 March 2025
    And "thue.minh" claims "determine_obligation" of the tax case
    And the worker runs every 15 minutes until 17:00 on Tuesday 11 March 2025
    Then the dossier's handoff "cadastral_data_transferred" was acknowledged in time by "thue.minh" at "2025-03-11T11:15:00+07:00" (task_claimed)
    And "ld.cuong" sees no escalation task of the dossier

  Scenario: Nobody at the tax office takes it up: the commune's leader is alerted once
    Given "mc.lan" receives a first land registration dossier in person
    And "mc.lan" accepts the land dossier
    And the commune and the land registration office checked the land and the conditions
    When it is 10:00 on Tuesday 11 March 2025
    And "vp.thao" sends the cadastral data to tax office "THUE-BADINH"
    And the worker runs every 15 minutes until 13:15 on Tuesday 11 March 2025
    Then "ld.cuong" sees no escalation task of the dossier
    When the worker runs every 15 minutes until 17:00 on Tuesday 11 March 2025
    Then "ld.cuong" sees 1 escalation task of the dossier about "THUE-BADINH", due at "2025-03-11T17:00:00+07:00"
    And the dossier's handoff "cadastral_data_transferred" was escalated at "2025-03-11T13:30:00+07:00"
    And the dossier's history records 1 unacknowledged handoff "cadastral_data_transferred"
    And "ld.cuong" finds the dossier's handoff "cadastral_data_transferred" among the escalated handoffs of the unit
    And "thue.lan" sees no escalation task of the dossier
    When it is 08:00 on Wednesday 12 March 2025
    And "thue.minh" claims "determine_obligation" of the tax case
    And the worker routes the messages
    Then the dossier's handoff "cadastral_data_transferred" was acknowledged late by "thue.minh"
    And the dossier's history records 1 unacknowledged handoff "cadastral_data_transferred"
    When "ld.cuong" claims and completes "handoff_escalation" noting the call to the other agency
    Then "ld.cuong" sees no escalation task of the dossier

  Scenario: Sent late on a Friday, the allotment runs on into Monday morning
    Given "mc.lan" receives a first land registration dossier in person
    And "mc.lan" accepts the land dossier
    And the commune and the land registration office checked the land and the conditions
    When it is 16:30 on Friday 14 March 2025
    And "vp.thao" sends the cadastral data to tax office "THUE-BADINH"
    And the worker routes the messages
    Then the dossier's handoff "cadastral_data_transferred" awaits acknowledgement until "2025-03-17T09:00:00+07:00"
    When the worker runs every hour until 08:45 on Monday 17 March 2025
    Then "ld.cuong" sees no escalation task of the dossier
    When the worker runs every 15 minutes until 09:15 on Monday 17 March 2025
    Then "ld.cuong" sees 1 escalation task of the dossier about "THUE-BADINH", due at "2025-03-17T17:00:00+07:00"

  Scenario: The allotment is counted in the office hours of the sending unit
    Given unit "UBND-PHUCXA" keeps office hours 08:00-12:00 and 13:30-17:30
    And "mc.lan" receives a first land registration dossier in person
    And "mc.lan" accepts the land dossier
    And the commune and the land registration office checked the land and the conditions
    When it is 11:00 on Tuesday 11 March 2025
    And "vp.thao" sends the cadastral data to tax office "THUE-BADINH"
    And the worker routes the messages
    Then the dossier's handoff "cadastral_data_transferred" awaits acknowledgement until "2025-03-11T14:30:00+07:00"
