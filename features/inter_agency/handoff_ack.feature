Feature: Each agency of the bundle must take its part up within 2 working hours
  Decree 63/2024 wants the receiving system to acknowledge a handoff within 2 working hours.
  The engine applies that to every message a case sends to another agency, whatever the models
  draw: the police and social insurance take their part up when one of their officers claims
  the task the message gave them; a system outside motcua, when it answers the request. An
  agency that has not by then is chased by the leaders of the commune, who get one task for it.

  Background:
    Given the national portal is listening
    And it is 09:00 on Tuesday 4 March 2025
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the civil-status officer "ht.binh" of unit "UBND-PHUCXA" is signed in
    And the leader "ld.cuong" of unit "UBND-PHUCXA" is signed in
    And the police officer "ca.dung" of unit "CA-PHUCXA" is signed in
    And the social-insurance officer "bh.em" of unit "BHXH-BADINH" is signed in
    And the operator "vh.giang" is signed in

  Scenario: Social insurance takes its part up, the police do not: only the police are chased
    Given "mc.lan" receives an online bundle dossier for residence at "CA-PHUCXA" and insurance at "BHXH-BADINH"
    When the birth is registered and signed at the commune
    And the worker routes the messages
    Then the dossier's handoff "residence_requested" awaits acknowledgement until "2025-03-04T11:00:00+07:00"
    And the dossier's handoff "insurance_requested" awaits acknowledgement until "2025-03-04T11:00:00+07:00"
    When it is 10:00 on Tuesday 4 March 2025
    And "bh.em" claims "issue_card" of the health-insurance case
    And the worker runs every 15 minutes until 10:45 on Tuesday 4 March 2025
    Then "ld.cuong" sees no escalation task of the dossier
    When the worker runs every 15 minutes until 11:30 on Tuesday 4 March 2025
    Then "ld.cuong" sees 1 escalation task of the dossier about "CA-PHUCXA", due at "2025-03-04T17:00:00+07:00"
    And the dossier's handoff "insurance_requested" was acknowledged in time by "bh.em" at "2025-03-04T10:00:00+07:00" (task_claimed)
    And the dossier's handoff "residence_requested" was escalated at "2025-03-04T11:00:00+07:00"
    When the worker runs every hour until 17:00 on Tuesday 4 March 2025
    Then the dossier's history records 1 unacknowledged handoff "residence_requested"
    And "ld.cuong" sees 1 escalation task of the dossier about "CA-PHUCXA", due at "2025-03-04T17:00:00+07:00"

  Scenario: Social insurance's own system does not answer: the commune's leader chases it
    Given social insurance is an external system that receives "insurance_requested" by webhook
    And the social-insurance system is down
    And "mc.lan" receives an online bundle dossier for residence at "CA-PHUCXA" and insurance at "BHXH-BADINH"
    When the birth is registered and signed at the commune
    And the worker routes the messages
    And "ca.dung" claims "register_residence" of the residence case
    And the worker routes the messages every 10 minutes for 2 hours
    Then "vh.giang" sees an open incident "dead_letter" for message "insurance_requested"
    And "ld.cuong" sees 1 escalation task of the dossier about "/bhxh/requests", due at "2025-03-04T17:00:00+07:00"
    And the dossier's handoff "insurance_requested" was escalated at "2025-03-04T11:00:00+07:00"
    And the dossier's handoff "residence_requested" was acknowledged in time by "ca.dung" at "2025-03-04T09:00:00+07:00" (task_claimed)
    When it is 11:30 on Tuesday 4 March 2025
    And the social-insurance system is back
    And "vh.giang" retries the incident
    And the worker routes the messages
    Then the social-insurance system received 1 signed request for the dossier
    And the dossier's handoff "insurance_requested" was answered late by the receiving system
