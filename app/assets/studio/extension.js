// Reading and writing our `spiffworkflow` extension elements (processes/README.md) through the
// modeler's command stack, so every edit can be undone. Elements we do not edit are left as
// they were imported, so the XML round-trips.
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil'

const MULTI = 'properties-panel.multi-command-executor'

export function extensionValues (element, type) {
  const bo = getBusinessObject(element)
  const ext = bo.get('extensionElements')
  const values = (ext && ext.get('values')) || []
  return type ? values.filter((value) => is(value, type)) : values
}

function propertiesElement (element) {
  return extensionValues(element, 'spiffworkflow:Properties')[0]
}

/** The value of `<spiffworkflow:property name="..">`, or '' when absent. */
export function getSpiffProperty (element, name) {
  const properties = propertiesElement(element)
  const property = properties && properties.get('properties').find((p) => p.get('name') === name)
  return (property && property.get('value')) || ''
}

/**
 * Commands that make sure `bpmn:extensionElements` exists, and the element to add to it.
 * Returns [extensionElements, commands].
 */
function ensureExtensionElements (element, bpmnFactory) {
  const bo = getBusinessObject(element)
  let ext = bo.get('extensionElements')
  const commands = []
  if (!ext) {
    ext = bpmnFactory.create('bpmn:ExtensionElements', { values: [] })
    ext.$parent = bo
    commands.push({
      cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: bo, properties: { extensionElements: ext } }
    })
  }
  return [ext, commands]
}

/** Adds a command appending `child` to the extension elements (created when absent). */
function addExtensionCommands (element, child, bpmnFactory) {
  const [ext, commands] = ensureExtensionElements(element, bpmnFactory)
  child.$parent = ext
  commands.push({
    cmd: 'element.updateModdleProperties',
    context: { element, moddleElement: ext, properties: { values: [...ext.get('values'), child] } }
  })
  return commands
}

/**
 * Sets `<spiffworkflow:property name=.. value=..>`; an empty value removes the property
 * (and an emptied `<spiffworkflow:properties>`).
 */
export function setSpiffProperty (element, name, value, { bpmnFactory, commandStack }) {
  value = (value || '').trim()
  let properties = propertiesElement(element)
  const existing = properties && properties.get('properties').find((p) => p.get('name') === name)
  const commands = []
  if (!value) {
    if (!existing) return
    const rest = properties.get('properties').filter((p) => p !== existing)
    if (rest.length) {
      commands.push({
        cmd: 'element.updateModdleProperties',
        context: { element, moddleElement: properties, properties: { properties: rest } }
      })
    } else {
      const ext = properties.$parent
      commands.push({
        cmd: 'element.updateModdleProperties',
        context: { element, moddleElement: ext, properties: { values: ext.get('values').filter((v) => v !== properties) } }
      })
    }
  } else if (existing) {
    if (existing.get('value') === value) return
    commands.push({
      cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: existing, properties: { value } }
    })
  } else {
    const property = bpmnFactory.create('spiffworkflow:Property', { name, value })
    if (!properties) {
      properties = bpmnFactory.create('spiffworkflow:Properties', { properties: [property] })
      property.$parent = properties
      commands.push(...addExtensionCommands(element, properties, bpmnFactory))
    } else {
      property.$parent = properties
      commands.push({
        cmd: 'element.updateModdleProperties',
        context: { element, moddleElement: properties, properties: { properties: [...properties.get('properties'), property] } }
      })
    }
  }
  if (commands.length) commandStack.execute(MULTI, commands)
}

export function getOperator (element) {
  return extensionValues(element, 'spiffworkflow:ServiceTaskOperator')[0]
}

export function getHandler (element) {
  const operator = getOperator(element)
  return (operator && operator.get('id')) || ''
}

export function getParameters (element) {
  const operator = getOperator(element)
  const list = operator && operator.get('parameterList')
  return (list && list.get('parameters')) || []
}

export function getParameter (element, name) {
  const parameter = getParameters(element).find((p) => p.get('id') === name)
  return (parameter && parameter.get('value')) || ''
}

/**
 * Chooses the service task's handler: the parameters become those of the new handler,
 * keeping the values of parameters with the same name. An empty handler removes the operator.
 */
export function setHandler (element, handler, handlerDefs, { bpmnFactory, commandStack }) {
  const operator = getOperator(element)
  const current = (operator && operator.get('id')) || ''
  if (handler === current) return
  const commands = []
  if (!handler) {
    const ext = operator.$parent
    commands.push({
      cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: ext, properties: { values: ext.get('values').filter((v) => v !== operator) } }
    })
    commandStack.execute(MULTI, commands)
    return
  }
  const def = handlerDefs.find((h) => h.value === handler)
  const old = getParameters(element)
  const parameterList = bpmnFactory.create('spiffworkflow:Parameters', { parameters: [] })
  const parameters = ((def && def.parameters) || []).map((param) => {
    const kept = old.find((p) => p.get('id') === param.name)
    const created = bpmnFactory.create('spiffworkflow:Parameter', {
      id: param.name,
      type: (kept && kept.get('type')) || 'str',
      value: (kept && kept.get('value')) || undefined
    })
    created.$parent = parameterList
    return created
  })
  parameterList.set('parameters', parameters)
  if (operator) {
    parameterList.$parent = operator
    commands.push({
      cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: operator, properties: { id: handler, parameterList } }
    })
  } else {
    const created = bpmnFactory.create('spiffworkflow:ServiceTaskOperator', { id: handler, parameterList })
    parameterList.$parent = created
    commands.push(...addExtensionCommands(element, created, bpmnFactory))
  }
  commandStack.execute(MULTI, commands)
}

/** Sets one parameter's value (an expression); adds the parameter when absent. */
export function setParameter (element, name, value, { bpmnFactory, commandStack }) {
  value = (value || '').trim()
  const operator = getOperator(element)
  if (!operator) return
  const commands = []
  let list = operator.get('parameterList')
  const existing = list && list.get('parameters').find((p) => p.get('id') === name)
  if (existing) {
    if ((existing.get('value') || '') === value) return
    commands.push({
      cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: existing, properties: { value: value || undefined } }
    })
  } else {
    if (!value) return
    const parameter = bpmnFactory.create('spiffworkflow:Parameter', { id: name, type: 'str', value })
    if (!list) {
      list = bpmnFactory.create('spiffworkflow:Parameters', { parameters: [parameter] })
      list.$parent = operator
      parameter.$parent = list
      commands.push({
        cmd: 'element.updateModdleProperties',
        context: { element, moddleElement: operator, properties: { parameterList: list } }
      })
    } else {
      parameter.$parent = list
      commands.push({
        cmd: 'element.updateModdleProperties',
        context: { element, moddleElement: list, properties: { parameters: [...list.get('parameters'), parameter] } }
      })
    }
  }
  commandStack.execute(MULTI, commands)
}

/** The condition expression of a sequence flow ('' when none). */
export function getCondition (element) {
  const expression = getBusinessObject(element).get('conditionExpression')
  return (expression && expression.get('body')) || ''
}

export function setCondition (element, value, { bpmnFactory, commandStack }) {
  value = (value || '').trim()
  const bo = getBusinessObject(element)
  const expression = bo.get('conditionExpression')
  if (!value) {
    if (!expression) return
    commandStack.execute('element.updateProperties', { element, properties: { conditionExpression: undefined } })
  } else if (expression) {
    if (expression.get('body') === value) return
    commandStack.execute('element.updateModdleProperties', {
      element, moddleElement: expression, properties: { body: value }
    })
  } else {
    const created = bpmnFactory.create('bpmn:FormalExpression', { body: value })
    created.$parent = bo
    commandStack.execute('element.updateProperties', { element, properties: { conditionExpression: created } })
  }
}
