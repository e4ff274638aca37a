"""The two schema slips of the SpiffArena modeller, repaired before the XSD check as warnings.

bpmn-js-spiffworkflow writes two attributes the BPMN 2.0 schema does not allow: its escalation
panel stores the code as `errorCode` (the standard, and SpiffWorkflow, read `escalationCode`), and
it writes a stray `messageRef` on message events beside their own messageEventDefinition. Only
these are repaired, on the parsed tree that is then XSD-checked and compiled (the uploaded bytes
stay as they were); where the intent cannot be told the model is refused, and every other schema
error is left for the XSD check to refuse.
"""

from __future__ import annotations

from lxml import etree

from engine.domain.errors import ModelProblem
from engine.runtime.columns import element_problem as _problem
from engine.runtime.idioms import local, q

EVENTS = (
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
)


def repair_slips(file: str, root: etree._Element) -> list[ModelProblem]:
    """Repair the modeller's known slips in place; return a warning per repair, an error per doubt."""
    messages = {m.get("id", ""): m.get("name") or m.get("id", "") for m in root.iter(q("message"))}
    return _escalation_codes(file, root) + _event_message_refs(file, root, messages)


def _escalation_codes(file: str, root: etree._Element) -> list[ModelProblem]:
    problems = []
    for escalation in root.iter(q("escalation")):
        written = escalation.get("errorCode")
        if written is None:
            continue
        # Removed in every case: where the code is in doubt the error below refuses the model,
        # and the XSD check would only say the same thing again, less clearly.
        del escalation.attrib["errorCode"]
        standard = escalation.get("escalationCode")
        if standard is not None and standard != written:
            problems.append(
                _problem(
                    file,
                    escalation,
                    f'escalation has both errorCode="{written}" and escalationCode="{standard}": '
                    "which code its throw and catch events share cannot be told",
                    "Enter the escalation code once more in the modeller, so one code is saved.",
                )
            )
            continue
        if standard is None and written.strip():
            escalation.set("escalationCode", written)
        read_as = f'escalationCode "{written}"' if written.strip() else "an escalation without code"
        problems.append(
            _problem(
                file,
                escalation,
                f'escalation has errorCode="{written}", which the standard does not allow on an '
                f"escalation (a SpiffArena modeller slip): read as {read_as}",
                "Re-save the escalation in a current modeller, which writes escalationCode.",
                "warning",
            )
        )
    return problems


def _event_message_refs(
    file: str, root: etree._Element, messages: dict[str, str]
) -> list[ModelProblem]:
    problems = []
    for event in root.iter(*(q(tag) for tag in EVENTS)):
        written = event.get("messageRef")
        if written is None:
            continue
        kind = local(event)
        definitions = event.findall(q("messageEventDefinition"))
        if not definitions:
            if written in messages:
                problems.append(
                    _problem(
                        file,
                        event,
                        f"{kind} has messageRef=\"{written}\" (message '{messages[written]}') but "
                        "no message event definition: whether it is meant as a message event "
                        "cannot be told",
                        f"Make it a message event for '{messages[written]}' in the modeller, "
                        "or clear its message.",
                    )
                )
                del event.attrib["messageRef"]  # refused above; the XSD error would repeat it
            continue  # not the slip: the XSD check refuses the attribute as for any model
        own = {d.get("messageRef", "") for d in definitions}
        if written in messages and written not in own:
            problems.append(
                _problem(
                    file,
                    event,
                    f"{kind} has messageRef=\"{written}\" (message '{messages[written]}') but "
                    "its message event definition names "
                    + ", ".join(f"'{messages.get(m, m)}'" for m in sorted(own))
                    + ": which message it is for cannot be told",
                    "Choose the event's message once more in the modeller.",
                )
            )
            del event.attrib["messageRef"]
            continue
        del event.attrib["messageRef"]
        waits_for = ", ".join(f"'{messages.get(m, m)}'" for m in sorted(own))
        problems.append(
            _problem(
                file,
                event,
                f'{kind} has messageRef="{written}", which the standard does not allow on an '
                f"event (a SpiffArena modeller slip): ignored, the event's message event "
                f"definition names message {waits_for}",
                "Re-save the event in a current modeller to drop the attribute.",
                "warning",
            )
        )
    return problems
