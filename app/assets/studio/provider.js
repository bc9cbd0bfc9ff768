// Our properties-panel group "Community Trigger" (id `ctflow`): pickers for the properties of
// processes/README.md (form, stage, due date with a preview, deadline, done on, milestone, the
// lane's role, the service task's handler and parameters, gateway conditions). Every edit goes
// through the command stack (extension.js), so undo and redo work.
import { Group, SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel'
import { useEffect, useState } from '@bpmn-io/properties-panel/preact/hooks'
import { jsx, jsxs } from '@bpmn-io/properties-panel/preact/jsx-runtime'
import { useService } from 'bpmn-js-properties-panel'
import { getBusinessObject, is, isAny } from 'bpmn-js/lib/util/ModelUtil'

import {
  getCondition, getHandler, getParameter, getSpiffProperty,
  setCondition, setHandler, setParameter, setSpiffProperty
} from './extension'
import { longDate, postJson } from './util'

const EVENTS = ['bpmn:StartEvent', 'bpmn:EndEvent', 'bpmn:IntermediateThrowEvent', 'bpmn:IntermediateCatchEvent', 'bpmn:BoundaryEvent']
const CONDITIONAL_SOURCES = ['bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway', 'bpmn:ComplexGateway']

function useServices () {
  return {
    bpmnFactory: useService('bpmnFactory'),
    commandStack: useService('commandStack'),
    config: useService('ctflowConfig'),
    debounce: useService('debounceInput')
  }
}

// Options of a select: a leading "none" choice, the known values, and the current value kept
// (marked unknown) when it is not one of them, so opening an element never loses a value.
function selectOptions (choices, current, noneLabel) {
  const options = [{ value: '', label: noneLabel }]
  for (const choice of choices || []) options.push({ value: choice.value, label: choice.label || choice.value })
  if (current && !options.some((o) => o.value === current)) {
    options.push({ value: current, label: current + ' (unknown)' })
  }
  return options
}

function isKnown (choices, value) {
  return (choices || []).some((c) => c.value === value)
}

// --- user task and event properties -----------------------------------------------------

function PropertySelect (props) {
  const { element, id, name, label, listKey, noneLabel, required, requiredMessage, description, check } = props
  const services = useServices()
  const choices = services.config[listKey] || []
  return SelectEntry({
    element,
    id,
    label,
    description,
    getValue: () => getSpiffProperty(element, name),
    setValue: (value) => setSpiffProperty(element, name, value, services),
    getOptions: () => selectOptions(choices, getSpiffProperty(element, name), noneLabel),
    validate: (value) => {
      if (required && !value) return requiredMessage || 'Choose the ' + label.toLowerCase()
      if (value && !isKnown(choices, value)) return '"' + value + '" is not a known ' + label.toLowerCase()
      return check ? check(value) : null
    }
  })
}

function PropertyText (props) {
  const { element, id, name, label, description, placeholder } = props
  const services = useServices()
  return TextFieldEntry({
    element,
    id,
    label,
    description,
    placeholder,
    debounce: services.debounce,
    getValue: () => getSpiffProperty(element, name),
    setValue: (value) => setSpiffProperty(element, name, value, services)
  })
}

// "For an application received on Monday 23 November 2026: due Monday 30 November 2026",
// fetched from the server (the council's calendar) a moment after the expression changes.
function DuePreview ({ element, expression }) {
  const config = useService('ctflowConfig')
  const [state, setState] = useState({ text: '', error: false, pending: false })
  useEffect(() => {
    if (!expression) {
      setState({ text: 'No due date: the task has no time limit.', error: false, pending: false, none: true })
      return
    }
    if (!config.previewUrl) {
      setState({ text: '', error: false, pending: false })
      return
    }
    let cancelled = false
    // while the new date is fetched, the last one stays (greyed) if it was this element's
    setState((previous) => {
      const keep = previous.text && !previous.none && previous.elementId === element.id
      return {
        text: keep ? previous.text : 'Working out the due date…',
        error: keep && previous.error,
        pending: true,
        elementId: element.id
      }
    })
    const timer = setTimeout(() => {
      previewDue(config, expression).then((result) => {
        if (!cancelled) setState({ ...result, pending: false, elementId: element.id })
      })
    }, 300)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [element.id, expression])
  const classes = ['app-due-preview']
  if (state.error) classes.push('app-due-preview--error')
  if (state.pending) classes.push('app-due-preview--pending')
  if (state.none) classes.push('app-due-preview--none')
  return jsx('div', {
    id: 'studio-due-preview',
    class: classes.join(' '),
    'aria-live': 'polite',
    'data-expression': expression || '',
    'data-state': state.pending ? 'pending' : (state.error ? 'error' : (state.none ? 'none' : 'ready')),
    children: state.text
  })
}

export function previewDue (config, expression) {
  const receivedOn = config.sampleReceivedOn
  return postJson(config.previewUrl, config.csrfToken, {
    council: config.council,
    expression,
    received_on: receivedOn
  }).then(({ status, body }) => {
    if (status === 200 && body && body.due_on) {
      return {
        text: 'For an application received on ' + longDate(receivedOn) + ': due ' + (body.text || longDate(body.due_on)),
        error: false
      }
    }
    if (body && body.message) return { text: body.message, error: true }
    return { text: 'The due date could not be worked out (' + status + ').', error: true }
  }, () => ({ text: 'The due date could not be worked out: the server did not answer.', error: true }))
}

function DueOnEntry (props) {
  const { element, id } = props
  const services = useServices()
  const expression = getSpiffProperty(element, 'dueOn')
  return TextFieldEntry({
    element,
    id,
    label: 'Due date',
    placeholder: 'add_working_days(received_on, 5)',
    description: jsxs('div', {
      children: [
        jsx(DuePreview, { element, expression }),
        jsx('div', {
          class: 'app-field-hint',
          children: 'An expression, e.g. add_working_days(received_on, 5). Empty: no time limit.'
        })
      ]
    }),
    debounce: services.debounce,
    getValue: () => getSpiffProperty(element, 'dueOn'),
    setValue: (value) => setSpiffProperty(element, 'dueOn', value, services)
  })
}

function DeadlineEntry (props) {
  const { element } = props
  const task = is(element, 'bpmn:UserTask')
  return PropertySelect({
    ...props,
    name: 'deadline',
    label: 'Deadline',
    listKey: 'deadlines',
    noneLabel: 'None',
    // the engine refuses a task's deadline without a due date (app/engine/specs.py)
    check: (value) => (task && value && !getSpiffProperty(element, 'dueOn') ? 'A deadline needs a due date: fill in "Due date"' : null),
    description: task ? 'The statutory time limit this due date meets, if any.' : 'A deadline whose due date is this event\'s (a timer\'s) date.'
  })
}

// The role is the lane the task is in: shown, not edited here. A task inside a sub-process is in
// the sub-process's lane (the lane lists the sub-process, not what it holds), as the engine reads it.
function laneOf (element, elementRegistry) {
  for (let e = element; e && !is(e, 'bpmn:Process') && !is(e, 'bpmn:Participant'); e = e.parent) {
    const bo = getBusinessObject(e)
    const lanes = elementRegistry.filter((lane) => is(lane, 'bpmn:Lane') &&
      (getBusinessObject(lane).get('flowNodeRef') || []).includes(bo))
    // the innermost lane: one without child lanes holding the element
    lanes.sort((a, b) => depth(b) - depth(a))
    if (lanes.length) return lanes[0]
  }
  return undefined
}

function depth (element) {
  let d = 0
  for (let e = element; e && e.parent; e = e.parent) d++
  return d
}

function RoleDisplay (props) {
  const { element, id } = props
  const elementRegistry = useService('elementRegistry')
  const lane = laneOf(element, elementRegistry)
  const name = lane ? (getBusinessObject(lane).get('name') || '') : ''
  const inputId = 'bio-properties-panel-' + id
  return jsxs('div', {
    class: 'bio-properties-panel-entry' + (name ? '' : ' has-error'),
    'data-entry-id': id,
    children: [
      jsxs('div', {
        class: 'bio-properties-panel-textfield',
        children: [
          jsx('label', { for: inputId, class: 'bio-properties-panel-label', children: 'Role' }),
          jsx('input', {
            id: inputId,
            type: 'text',
            readOnly: true,
            class: 'bio-properties-panel-input app-readonly-input',
            value: name || 'Not in a lane',
            'aria-describedby': inputId + '-hint'
          })
        ]
      }),
      name
        ? null
        : jsx('div', { class: 'bio-properties-panel-error', children: 'Every task must be in a lane: its role does it.' }),
      jsx('div', {
        id: inputId + '-hint',
        class: 'bio-properties-panel-description',
        children: 'Move the task to another lane to change who does it.'
      })
    ]
  })
}

function userTaskEntries () {
  return [
    { id: 'ctflow-role', component: RoleDisplay },
    { id: 'ctflow-formKey', component: PropertySelect, name: 'formKey', label: 'Form', listKey: 'forms', noneLabel: 'Choose a form', required: true, requiredMessage: 'Choose a form', isEdited: isSelectEntryEdited },
    { id: 'ctflow-stage', component: PropertySelect, name: 'stage', label: 'Stage', listKey: 'stages', noneLabel: 'Choose a stage', required: true, requiredMessage: 'Choose a stage', description: 'The case\'s stage while this task is open.', isEdited: isSelectEntryEdited },
    { id: 'ctflow-dueOn', component: DueOnEntry, isEdited: isTextFieldEntryEdited },
    { id: 'ctflow-deadline', component: DeadlineEntry, isEdited: isSelectEntryEdited },
    { id: 'ctflow-doneOn', component: PropertyText, name: 'doneOn', label: 'Done on', placeholder: 'sent_on', description: 'An expression on the task\'s answers giving the date it was done (empty: the day it is completed).', isEdited: isTextFieldEntryEdited },
    { id: 'ctflow-milestone', component: PropertySelect, name: 'milestone', label: 'Milestone', listKey: 'milestones', noneLabel: 'None', description: 'Recorded when the task is completed, dated by "Done on".', isEdited: isSelectEntryEdited },
    { id: 'ctflow-agency', component: PropertyText, name: 'agency', label: 'Agency', placeholder: 'action["owner_agency"]', description: 'Partner agency tasks: an expression giving the agency the task is for, e.g. action["owner_agency"] for one action of the plan. Empty: the agency of the step it is one instance of (information returns, records checks).', isEdited: isTextFieldEntryEdited }
  ]
}

function eventEntries () {
  return [
    { id: 'ctflow-milestone', component: PropertySelect, name: 'milestone', label: 'Milestone', listKey: 'milestones', noneLabel: 'None', description: 'Recorded when the event is reached.', isEdited: isSelectEntryEdited },
    { id: 'ctflow-deadline', component: DeadlineEntry, isEdited: isSelectEntryEdited },
    { id: 'ctflow-doneOn', component: PropertyText, name: 'doneOn', label: 'Done on', placeholder: 'appeal_received_on', description: 'An expression giving the milestone\'s date (empty: the day the event is reached).', isEdited: isTextFieldEntryEdited }
  ]
}

// --- lanes --------------------------------------------------------------------------------

function roleOfLane (roles, name) {
  const key = (name || '').trim().toLowerCase()
  if (!key) return ''
  const role = roles.find((r) => (r.label || '').toLowerCase() === key || r.value === key.replace(/\s+/g, '_'))
  return role ? role.value : name
}

function LaneRoleEntry (props) {
  const { element, id } = props
  const config = useService('ctflowConfig')
  const modeling = useService('modeling')
  const roles = config.roles || []
  const current = () => roleOfLane(roles, getBusinessObject(element).get('name'))
  return SelectEntry({
    element,
    id,
    label: 'Role',
    description: 'Who does the tasks in this lane. The lane is named after the role.',
    getValue: current,
    setValue: (value) => {
      const role = roles.find((r) => r.value === value)
      if (role) modeling.updateProperties(element, { name: role.label })
    },
    getOptions: () => selectOptions(roles, current(), 'Choose a role'),
    validate: (value) => (!value ? 'Choose a role' : (isKnown(roles, value) ? null : '"' + value + '" is not a known role'))
  })
}

// --- service tasks ------------------------------------------------------------------------

function HandlerEntry (props) {
  const { element, id } = props
  const services = useServices()
  const handlers = services.config.handlers || []
  return SelectEntry({
    element,
    id,
    label: 'Handler',
    description: 'What the step does. Changing it replaces its parameters.',
    getValue: () => getHandler(element),
    setValue: (value) => setHandler(element, value, handlers, services),
    getOptions: () => selectOptions(handlers, getHandler(element), 'Choose a handler'),
    validate: (value) => (!value ? 'Choose a handler' : (isKnown(handlers, value) ? null : '"' + value + '" is not a known handler'))
  })
}

function ParameterEntry (props) {
  const { element, id, parameter } = props
  const services = useServices()
  const label = parameter.label || humanise(parameter.name)
  const getValue = () => getParameter(element, parameter.name)
  const setValue = (value) => setParameter(element, parameter.name, value, services)
  const validate = (value) => (parameter.required && !value
    ? (hasChoices(parameter) ? 'Choose the ' + label.toLowerCase() : 'Enter an expression for "' + label + '"')
    : null)
  if (hasChoices(parameter)) {
    return SelectEntry({
      element, id, label, getValue, setValue, validate,
      getOptions: () => selectOptions(parameter.choices, getValue(), parameter.required ? 'Choose…' : 'None')
    })
  }
  return TextFieldEntry({
    element, id, label, getValue, setValue, validate,
    description: 'An expression (a text is quoted, e.g. \'CT1\').',
    debounce: services.debounce
  })
}

function hasChoices (parameter) {
  return Array.isArray(parameter.choices) && parameter.choices.length > 0
}

function humanise (name) {
  const words = String(name || '').replace(/_/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function serviceTaskEntries (element, config) {
  const entries = [{ id: 'ctflow-handler', component: HandlerEntry, isEdited: isSelectEntryEdited }]
  const handler = (config.handlers || []).find((h) => h.value === getHandler(element))
  for (const parameter of (handler && handler.parameters) || []) {
    entries.push({
      id: 'ctflow-param-' + parameter.name,
      component: ParameterEntry,
      parameter,
      isEdited: hasChoices(parameter) ? isSelectEntryEdited : isTextFieldEntryEdited
    })
  }
  return entries
}

// --- sequence flows -----------------------------------------------------------------------

function ConditionEntry (props) {
  const { element, id } = props
  const services = useServices()
  return TextFieldEntry({
    element,
    id,
    label: 'Condition',
    placeholder: 'threshold_met',
    description: 'An expression on the case data; the flow is taken when it is true.',
    debounce: services.debounce,
    getValue: () => getCondition(element),
    setValue: (value) => setCondition(element, value, services)
  })
}

function DefaultFlowNote (props) {
  return jsx('div', {
    class: 'bio-properties-panel-entry',
    'data-entry-id': props.id,
    children: jsx('p', {
      class: 'bio-properties-panel-description app-field-note',
      children: 'This is the gateway\'s default flow: it is taken when no other flow\'s condition is true.'
    })
  })
}

function flowEntries (element) {
  const source = element.source
  if (!source || !isAny(source, CONDITIONAL_SOURCES)) return []
  if (getBusinessObject(source).get('default') === getBusinessObject(element) && !getCondition(element)) {
    return [{ id: 'ctflow-default', component: DefaultFlowNote }]
  }
  return [{ id: 'ctflow-condition', component: ConditionEntry, isEdited: isTextFieldEntryEdited }]
}

// --- the provider -------------------------------------------------------------------------

export default class CtflowPropertiesProvider {
  constructor (propertiesPanel, ctflowConfig) {
    this._config = ctflowConfig
    propertiesPanel.registerProvider(400, this)
  }

  getGroups (element) {
    return (groups) => {
      const entries = this._entries(element)
      if (!entries.length) return groups
      const group = { id: 'ctflow', label: 'Community Trigger', component: Group, shouldOpen: true, entries }
      const general = groups.findIndex((g) => g.id === 'general')
      groups.splice(general + 1, 0, group)
      return groups
    }
  }

  _entries (element) {
    if (is(element, 'bpmn:UserTask')) return userTaskEntries()
    if (is(element, 'bpmn:ServiceTask')) return serviceTaskEntries(element, this._config)
    if (isAny(element, EVENTS)) return eventEntries()
    if (is(element, 'bpmn:Lane')) return [{ id: 'ctflow-lane-role', component: LaneRoleEntry, isEdited: isSelectEntryEdited }]
    if (is(element, 'bpmn:SequenceFlow')) return flowEntries(element)
    return []
  }
}

CtflowPropertiesProvider.$inject = ['propertiesPanel', 'ctflowConfig']
