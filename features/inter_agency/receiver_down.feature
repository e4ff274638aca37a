Feature: A receiving system that is down loses nothing
  Records for the national portal and requests to systems outside motcua are sent with retries
  and a growing wait between them. After the last attempt the record becomes an incident and
  holds back the dossier's later records, so nothing overtakes it; once the receiver is back, an
  operator's retry sends everything, in order.

  Background:
    Given the national portal is listening
    And it is 09:00 on Tuesday 4 March 2025
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the civil-status officer "ht.binh" of unit "UBND-PHUCXA" is signed in
    And the leader "ld.cuong" of unit "UBND-PHUCXA" is signed in
    And the operator "vh.giang" is signed in

  Scenario: The national portal is down: retries, then an incident; after its retry every status arrives in order
    Given the national portal is down
    And "mc.lan" receives an online bundle dossier for residence at "CA-PHUCXA" and insurance at "BHXH-BADINH"
    And "mc.lan" claims and completes "counter_check" accepting the dossier
    When the worker routes the messages every 10 minutes for 2 hours
    Then the national portal received nothing
    And "vh.giang" sees an open incident "dead_letter" for message "hoso" after 6 attempts
    When the national portal is back
    And the worker routes the messages
    Then the national portal received nothing
    When "vh.giang" retries the incident
    And the worker routes the messages
    Then the national portal received the statuses 1, 2, 4 of the bundle dossier in order
    And "vh.giang" sees no open incident

  Scenario: Social insurance runs its own system: a signed webhook out, the card back through the API
    Given social insurance is an external system that receives "insurance_requested" by webhook
    And the social-insurance system "bhxh-gateway" is signed in
    And the police officer "ca.dung" of unit "CA-PHUCXA" is signed in
    And "mc.lan" receives an online bundle dossier for residence at "CA-PHUCXA" and insurance at "BHXH-BADINH"
    When the birth is registered and signed at the commune
    And the worker routes the messages
    Then the social-insurance system received 1 signed request for the dossier
    And no health-insurance case was started
    When "bhxh-gateway" sends the insurance card for the dossier with key "card-1"
    And "ca.dung" registers the child's permanent residence
    And the worker routes the messages
    Then the case has status 9 "Đã xử lý xong"

  Scenario: The social-insurance system is down: the request waits, then goes out when it is back
    Given social insurance is an external system that receives "insurance_requested" by webhook
    And the social-insurance system is down
    And "mc.lan" receives an online bundle dossier for residence at "CA-PHUCXA" and insurance at "BHXH-BADINH"
    When the birth is registered and signed at the commune
    And the worker routes the messages every 10 minutes for 2 hours
    Then the social-insurance system received 0 signed requests for the dossier
    And "vh.giang" sees an open incident "dead_letter" for message "insurance_requested" after 6 attempts
    When the social-insurance system is back
    And "vh.giang" retries the incident
    And the worker routes the messages
    Then the social-insurance system received 1 signed request for the dossier
