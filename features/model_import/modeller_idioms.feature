Feature: A model drawn in another modeller deploys with its meaning kept, or is refused naming the element
  Analysts bring models from Camunda Modeler, bpmn.io, Signavio, Trisotech and SpiffArena. What
  the engine can run as those tools' engines would is accepted, with a warning saying how it was
  read; what it cannot run is refused before anything is deployed, naming the file, the line and
  the element to fix.

  Background:
    Given the analyst "analyst.an" is signed in

  Scenario: A Camunda input parameter holding a map of lists is accepted
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="notify"/>
        <bpmn:userTask id="notify" camunda:candidateGroups="counter">
          <bpmn:extensionElements><camunda:inputOutput>
            <camunda:inputParameter name="recipients"><camunda:map>
              <camunda:entry key="to"><camunda:list>
                <camunda:value>applicant</camunda:value><camunda:value>${owner}</camunda:value>
              </camunda:list></camunda:entry>
            </camunda:map></camunda:inputParameter>
          </camunda:inputOutput></bpmn:extensionElements>
        </bpmn:userTask>
        <bpmn:sequenceFlow id="f2" sourceRef="notify" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    Then the procedure is accepted

  Scenario: A timer duration written as Python's timedelta runs as its ISO-8601 duration
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
        <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>
          <bpmn:timeDuration>timedelta(minutes=5)</bpmn:timeDuration>
        </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
        <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    Then the procedure is accepted with a warning on "wait" saying "runs as the ISO-8601 duration 'PT300S'"

  Scenario: JUEL string methods and FEEL ranges are read as conditions
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>
        <bpmn:exclusiveGateway id="gw" default="f4"/>
        <bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="end">
          <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${decision.toLowerCase() == 'refuse'}</bpmn:conditionExpression>
        </bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end">
          <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">= age in [18..65]</bpmn:conditionExpression>
        </bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    Then the procedure is accepted

  Scenario: A pool drawn to be read, not run, does not stop the executable one
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      <bpmn:process id="citizen" isExecutable="false">
        <bpmn:startEvent id="citizen_start"/>
        <bpmn:sequenceFlow id="g1" sourceRef="citizen_start" targetRef="citizen_wait"/>
        <bpmn:intermediateCatchEvent id="citizen_wait"><bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent>
      </bpmn:process>
      """
    Then the procedure is accepted with a warning on "citizen_wait" saying "ignored: process 'citizen' is not executable"

  Scenario: A call to a process missing from the procedure is refused naming the call activity
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="verify"/>
        <bpmn:callActivity id="verify" calledElement="residence_check"/>
        <bpmn:sequenceFlow id="f2" sourceRef="verify" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    Then the procedure is refused naming "verify", its line and "calls process 'residence_check', which is not in the bundle"

  Scenario: An event naming an escalation that is not defined is refused naming the event
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
        <bpmn:userTask id="review" camunda:candidateGroups="counter"/>
        <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
        <bpmn:boundaryEvent id="escalated" attachedToRef="review">
          <bpmn:escalationEventDefinition escalationRef="late"/>
        </bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f3" sourceRef="escalated" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    Then the procedure is refused naming "escalated", its line and "escalation 'late', which is not defined"

  Scenario: A sequential multi-instance over a Camunda element variable is accepted
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sign"/>
        <bpmn:userTask id="sign" camunda:candidateGroups="leader">
          <bpmn:multiInstanceLoopCharacteristics isSequential="true" camunda:collection="${signers}" camunda:elementVariable="signer"/>
        </bpmn:userTask>
        <bpmn:sequenceFlow id="f2" sourceRef="sign" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    Then the procedure is accepted

  Scenario: A Quartz cron cycle from Camunda Modeler is accepted
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
        <bpmn:userTask id="review" camunda:candidateGroups="counter"/>
        <bpmn:boundaryEvent id="remind" attachedToRef="review" cancelActivity="false">
          <bpmn:timerEventDefinition><bpmn:timeCycle>0 0 9 ? * MON-FRI</bpmn:timeCycle></bpmn:timerEventDefinition>
        </bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
        <bpmn:sequenceFlow id="f3" sourceRef="remind" targetRef="reminded"/>
        <bpmn:endEvent id="end"/>
        <bpmn:endEvent id="reminded"/>
      </bpmn:process>
      """
    Then the procedure is accepted

  Scenario: A Quartz cron cycle on the last day of the month is refused naming the expression
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
        <bpmn:userTask id="review" camunda:candidateGroups="counter"/>
        <bpmn:boundaryEvent id="remind" attachedToRef="review" cancelActivity="false">
          <bpmn:timerEventDefinition><bpmn:timeCycle>0 0 9 L * ?</bpmn:timeCycle></bpmn:timerEventDefinition>
        </bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
        <bpmn:sequenceFlow id="f3" sourceRef="remind" targetRef="reminded"/>
        <bpmn:endEvent id="end"/>
        <bpmn:endEvent id="reminded"/>
      </bpmn:process>
      """
    Then the procedure is refused saying "cron cycle '0 0 9 L * ?' uses L, W or #"

  Scenario: FEEL "is defined" conditions and a Zeebe script expression are accepted
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>
        <bpmn:exclusiveGateway id="gw"/>
        <bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="prepare">
          <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=not(is defined(prepared))</bpmn:conditionExpression>
        </bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end">
          <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=is defined(prepared)</bpmn:conditionExpression>
        </bpmn:sequenceFlow>
        <bpmn:scriptTask id="prepare">
          <bpmn:extensionElements><zeebe:script expression="=true" resultVariable="prepared"/></bpmn:extensionElements>
        </bpmn:scriptTask>
        <bpmn:sequenceFlow id="f4" sourceRef="prepare" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    Then the procedure is accepted

  Scenario: A SpiffArena script that prints and reads a message payload by attribute is accepted
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="add"/>
        <bpmn:scriptTask id="add">
          <bpmn:script>total = payload.amount + 1
      print("total", total)</bpmn:script>
        </bpmn:scriptTask>
        <bpmn:sequenceFlow id="f2" sourceRef="add" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    Then the procedure is accepted

  Scenario: A SpiffArena script that stamps the dossier reads the case clock, in Hanoi time
    Given it is 9:15 on Monday 7 December 2026
    And the officer "cv.binh" of unit "UBND-TEST" is signed in
    When "analyst.an" deploys a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="stamp"/>
        <bpmn:scriptTask id="stamp">
          <bpmn:script>stamped_at = datetime.now()
      reply_by = date.today() + timedelta(days=3)
      stamped_utc = datetime.datetime.utcfromtimestamp(time.time()).strftime("%H:%M")</bpmn:script>
        </bpmn:scriptTask>
        <bpmn:sequenceFlow id="f2" sourceRef="stamp" targetRef="review"/>
        <bpmn:userTask id="review" camunda:candidateGroups="officer"/>
        <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    And "cv.binh" receives a dossier of it at unit "UBND-TEST"
    Then the case data holds "stamped_at" = "2026-12-07T09:15:00"
    And the case data holds "reply_by" = "2026-12-10"
    And the case data holds "stamped_utc" = "02:15"

  Scenario: A service task drawn in Camunda Modeler reaches a built-in connector by its topic
    Given it is 9:15 on Monday 7 December 2026
    And the officer "cv.binh" of unit "UBND-TEST" is signed in
    When "analyst.an" deploys a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="deadline"/>
        <bpmn:serviceTask id="deadline" camunda:type="external" camunda:topic="motcua.working_days">
          <bpmn:extensionElements><camunda:inputOutput>
            <camunda:inputParameter name="days">2</camunda:inputParameter>
          </camunda:inputOutput></bpmn:extensionElements>
        </bpmn:serviceTask>
        <bpmn:sequenceFlow id="f2" sourceRef="deadline" targetRef="review"/>
        <bpmn:userTask id="review" camunda:candidateGroups="officer"/>
        <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    And "cv.binh" receives a dossier of it at unit "UBND-TEST"
    Then the case data holds "due_at" = "2026-12-09T09:15:00+07:00"

  Scenario: A SpiffArena script records who received the dossier and who reviewed it
    Given the officer "cv.binh" of unit "UBND-TEST" is signed in
    And the officer "cv.chi" of unit "UBND-TEST" is signed in
    When "analyst.an" deploys a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="note_receiver"/>
        <bpmn:scriptTask id="note_receiver">
          <bpmn:script>received_by = get_current_user()["username"]</bpmn:script>
        </bpmn:scriptTask>
        <bpmn:sequenceFlow id="f2" sourceRef="note_receiver" targetRef="review"/>
        <bpmn:userTask id="review" camunda:candidateGroups="officer"/>
        <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="note_reviewer"/>
        <bpmn:scriptTask id="note_reviewer">
          <bpmn:script>reviewed_by = get_current_user()["username"]
      four_eyes = reviewed_by != received_by</bpmn:script>
        </bpmn:scriptTask>
        <bpmn:sequenceFlow id="f4" sourceRef="note_reviewer" targetRef="sign"/>
        <bpmn:userTask id="sign" camunda:candidateGroups="officer"/>
        <bpmn:sequenceFlow id="f5" sourceRef="sign" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    And "cv.binh" receives a dossier of it at unit "UBND-TEST"
    And "cv.chi" claims and completes "review"
    Then the case data holds "received_by" = "cv.binh"
    And the case data holds "reviewed_by" = "cv.chi"
    And the case data holds "four_eyes" = true

  Scenario: A script that would sleep is refused naming the function
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pause"/>
        <bpmn:scriptTask id="pause">
          <bpmn:script>time.sleep(60)</bpmn:script>
        </bpmn:scriptTask>
        <bpmn:sequenceFlow id="f2" sourceRef="pause" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    Then the procedure is refused naming "pause", its line and "uses 'time.sleep'"

  Scenario: A subprocess drawn collapsed with nothing inside is refused naming it
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="repair"/>
        <bpmn:subProcess id="repair" name="Perform emergency repair"/>
        <bpmn:sequenceFlow id="f2" sourceRef="repair" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    Then the procedure is refused naming "repair", its line and "subprocess has no content"

  Scenario: Two elements sharing an id are refused naming the id
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
        <bpmn:endEvent id="end"/>
        <bpmn:dataObject id="approval"/>
        <bpmn:dataObject id="approval"/>
      </bpmn:process>
      """
    Then the procedure is refused saying "id 'approval' is used by more than one element"

  Scenario: A SpiffArena escalation saved with an error code is read as its escalation code
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
        <bpmn:userTask id="review" camunda:candidateGroups="counter"/>
        <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
        <bpmn:boundaryEvent id="escalated" attachedToRef="review">
          <bpmn:escalationEventDefinition escalationRef="late"/>
        </bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f3" sourceRef="escalated" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      <bpmn:escalation id="late" name="Late" errorCode="26"/>
      """
    Then the procedure is accepted with a warning on "late" saying "(a SpiffArena modeller slip): read as escalationCode"

  Scenario: The stray message reference SpiffArena writes on a message start event is ignored
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start" messageRef="[object Object]">
          <bpmn:messageEventDefinition messageRef="application_message"/>
        </bpmn:startEvent>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
        <bpmn:userTask id="review" camunda:candidateGroups="counter"/>
        <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      <bpmn:message id="application_message" name="application_received"/>
      """
    Then the procedure is accepted with a warning on "start" saying "ignored, the event's message event definition names message 'application_received'"

  Scenario: A start event naming a message without being a message event is refused naming it
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start" messageRef="application_message"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
        <bpmn:userTask id="review" camunda:candidateGroups="counter"/>
        <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      <bpmn:message id="application_message" name="application_received"/>
      """
    Then the procedure is refused naming "start", its line and "no message event definition"

  Scenario: Zeebe input and output mappings in FEEL are accepted
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
        <bpmn:userTask id="decide" camunda:candidateGroups="officer">
          <bpmn:extensionElements><zeebe:ioMapping>
            <zeebe:input source="= string join(risks, &quot;, &quot;)" target="risksText"/>
            <zeebe:input source="= applicant.age" target="age"/>
            <zeebe:output source="= approved" target="decision.approved"/>
          </zeebe:ioMapping></bpmn:extensionElements>
        </bpmn:userTask>
        <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    Then the procedure is accepted

  Scenario: A Zeebe mapping that reads connector secrets is refused naming it
    When "analyst.an" validates a procedure whose definitions hold:
      """
      <bpmn:process id="import_demo" isExecutable="true">
        <bpmn:startEvent id="start"/>
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ask"/>
        <bpmn:userTask id="ask" camunda:candidateGroups="officer"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="={q: city, key: secrets.API_KEY}" target="query"/></zeebe:ioMapping></bpmn:extensionElements></bpmn:userTask>
        <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="end"/>
        <bpmn:endEvent id="end"/>
      </bpmn:process>
      """
    Then the procedure is refused naming "ask", its line and "input mapping 'query'"
