// The server's problems with a diagram, shown twice: a GOV.UK error summary whose links select
// the element, and a red marker with a badge on each element of the canvas (like bpmnlint).
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil'

const OVERLAY = 'ctflow-problem'
const MARKER = 'app-element--problem'
const CONTAINER_MARKER = 'app-element--problem-container'

function el (tag, attrs, children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === 'class') node.className = value
    else if (name === 'text') node.textContent = value
    else node.setAttribute(name, value)
  }
  for (const child of children || []) if (child) node.appendChild(child)
  return node
}

export default class Problems {
  constructor (modeler, container) {
    this._modeler = modeler
    this._container = container
    this._marked = []
  }

  /** The diagram element a problem's element id names: a flow node, or a process's pool. */
  _find (id) {
    if (!id) return null
    const registry = this._modeler.get('elementRegistry')
    const direct = registry.get(id)
    if (direct && !direct.labelTarget) return direct
    return registry.find((e) => is(e, 'bpmn:Participant') &&
      getBusinessObject(e).get('processRef') && getBusinessObject(e).get('processRef').id === id) || null
  }

  clear () {
    const overlays = this._modeler.get('overlays')
    const canvas = this._modeler.get('canvas')
    overlays.remove({ type: OVERLAY })
    for (const id of this._marked) {
      if (this._modeler.get('elementRegistry').get(id)) {
        canvas.removeMarker(id, MARKER)
        canvas.removeMarker(id, CONTAINER_MARKER)
      }
    }
    this._marked = []
    if (this._container) this._container.replaceChildren()
  }

  show (problems) {
    this.clear()
    if (!problems || !problems.length) return
    const overlays = this._modeler.get('overlays')
    const canvas = this._modeler.get('canvas')
    const byElement = new Map()
    for (const problem of problems) {
      const element = this._find(problem.element)
      if (!element) continue
      if (!byElement.has(element.id)) byElement.set(element.id, [])
      byElement.get(element.id).push(problem.message)
    }
    for (const [id, messages] of byElement) {
      canvas.addMarker(id, MARKER)
      // a pool or a lane is outlined only: filling it would colour everything inside
      if (is(this._modeler.get('elementRegistry').get(id), 'bpmn:Participant') ||
          is(this._modeler.get('elementRegistry').get(id), 'bpmn:Lane')) canvas.addMarker(id, CONTAINER_MARKER)
      this._marked.push(id)
      const badge = el('span', {
        class: 'app-problem-badge',
        title: messages.join('\n'),
        'data-element-id': id,
        text: String(messages.length)
      })
      badge.addEventListener('click', () => this.select(id))
      overlays.add(id, OVERLAY, { position: { top: -10, right: 10 }, html: badge })
    }
    if (this._container) this._renderSummary(problems)
  }

  _renderSummary (problems) {
    const title = problems.length === 1
      ? 'There is a problem with the diagram'
      : 'There are ' + problems.length + ' problems with the diagram'
    const items = problems.map((problem) => {
      const element = this._find(problem.element)
      if (!element) {
        return el('li', { class: 'app-problem', text: (problem.element ? problem.element + ': ' : '') + problem.message })
      }
      const name = getBusinessObject(element).get('name')
      const link = el('a', {
        href: '#studio-canvas',
        class: 'app-problem__link',
        'data-element-id': element.id,
        text: (name ? name.replace(/\s+/g, ' ') + ' (' + problem.element + ')' : problem.element) + ': ' + problem.message
      })
      link.addEventListener('click', (event) => {
        event.preventDefault()
        this.select(element.id)
      })
      return el('li', { class: 'app-problem' }, [link])
    })
    const summary = el('div', { class: 'govuk-error-summary', 'data-module': 'govuk-error-summary', tabindex: '-1' }, [
      el('div', { role: 'alert' }, [
        el('h2', { class: 'govuk-error-summary__title', text: title }),
        el('div', { class: 'govuk-error-summary__body' }, [
          el('ul', { class: 'govuk-list govuk-error-summary__list' }, items)
        ])
      ])
    ])
    this._container.appendChild(summary)
    summary.focus()
  }

  /** Selects the element, brings it into view and shows its properties. */
  select (id) {
    const element = this._modeler.get('elementRegistry').get(id)
    if (!element) return
    const canvas = this._modeler.get('canvas')
    this._modeler.get('selection').select(element)
    try {
      canvas.scrollToElement(element, { top: 80, bottom: 80, left: 80, right: 80 })
    } catch (e) { /* an element that cannot be scrolled to: it is still selected */ }
    const container = canvas.getContainer()
    if (container.scrollIntoView) container.scrollIntoView({ block: 'nearest' })
    canvas.focus()
  }
}
