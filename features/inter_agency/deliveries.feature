Feature: Duplicate, late and out-of-order deliveries
  Systems outside motcua (here: social insurance's own system) answer through POST /messages
  with the dossier code and their own idempotency key. A repeated message is acknowledged and
  not applied twice; an answer that comes before the dossier waits for it is kept for the time
  the sender asked and delivered when the dossier gets there; answers may come in any order;
  an answer nobody waits for and nobody asked to keep is refused, never lost silently; a kept
  answer whose time runs out becomes an incident an operator can retry.

  Background:
    Given the national portal is listening
    And it is 09:00 on Tuesday 4 March 2025
    And the counter officer "mc.lan" of unit "UBND-PHUCXA" is signed in
    And the civil-status officer "ht.binh" of unit "UBND-PHUCXA" is signed in
    And the leader "ld.cuong" of unit "UBND-PHUCXA" is signed in
    And the police officer "ca.dung" of unit "CA-PHUCXA" is signed in
    And the social-insurance system "bhxh-gateway" is signed in
    And the operator "vh.giang" is signed in
    And "mc.lan" receives an online bundle dossier for residence at "CA-PHUCXA" and insurance at "BHXH-BADINH"

  Scenario: The same answer sent twice is applied once
    Given the birth is registered and signed at the commune
    And the worker routes the messages
    When "bhxh-gateway" sends the insurance card for the dossier with key "bhxh-42"
    Then the answer is 200 and the message was delivered to "await_insurance"
    When "bhxh-gateway" sends the insurance card for the dossier with key "bhxh-42"
    Then the answer is 200 and says it repeats an earlier message
    And the bundle dossier received "insurance_issued" 1 time

  Scenario: An answer sent before the dossier waits for it is kept, then delivered
    When "bhxh-gateway" sends the insurance card for the dossier with key "early-1", to be kept for 1 day
    Then the answer is 202 and the message is kept
    When the birth is registered and signed at the commune
    And the worker routes the messages
    Then the bundle dossier received "insurance_issued" 1 time
    And the bundle dossier waits for "await_residence"

  Scenario: Insurance answers before the police; the dossier joins both in any order
    Given the birth is registered and signed at the commune
    And the worker routes the messages
    When "bhxh-gateway" sends the insurance card for the dossier with key "bhxh-7"
    And "ca.dung" registers the child's permanent residence
    And the worker routes the messages
    Then the case has status 9 "Đã xử lý xong"
    And the case shows the residence and the insurance card

  Scenario: An answer for a dossier nobody knows is refused with a clear message
    When "bhxh-gateway" sends the insurance card for dossier "UBND-PHUCXA-250304-9999" with key "lost-1"
    Then the answer is 404 saying no case waits for "insurance_issued"

  Scenario: A kept answer whose time runs out becomes an incident, and its retry delivers it
    When "bhxh-gateway" sends the insurance card for the dossier with key "late-1", to be kept for 1 hour
    And 2 hours pass and the worker routes the messages
    Then "vh.giang" sees an open incident "message_expired" for message "insurance_issued"
    When the birth is registered and signed at the commune
    And the worker routes the messages
    Then the bundle dossier received "insurance_issued" 0 times
    When "vh.giang" retries the incident
    And the worker routes the messages
    Then the bundle dossier received "insurance_issued" 1 time
    And "vh.giang" sees no open incident
