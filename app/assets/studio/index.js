// The process owners' studio: the bpmn-js modeler with its properties panel and our own
// "Community Trigger" group, checking and saving the diagram as a draft version.
// Built by `make assets` into app/static/studio/ (see build.mjs); the page gives the
// elements named below and its settings as JSON in #studio-config.
import BpmnModeler from 'bpmn-js/lib/Modeler'
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel'

import spiffworkflow from './spiffworkflow.json'
import CtflowPropertiesProvider from './provider'
import Problems from './problems'
import { postXml } from './util'

const CtflowPropertiesModule = {
  __init__: ['ctflowPropertiesProvider'],
  ctflowPropertiesProvider: ['type', CtflowPropertiesProvider]
}

function byId (id) {
  return document.getElementById(id)
}

function readConfig () {
  const node = byId('studio-config')
  if (!node) return null
  try {
    return JSON.parse(node.textContent)
  } catch (e) {
    return null
  }
}

function link (href, text, id) {
  const a = document.createElement('a')
  a.className = 'govuk-link'
  a.href = href
  a.textContent = text
  if (id) a.id = id
  return a
}

// Fits the diagram to the canvas; a long process would then be too small to read, so it is
// shown at a readable scale from its start (the left), to be scrolled (drag, or the wheel).
const READABLE = 0.75

function showDiagram (canvas) {
  canvas.zoom('fit-viewport')
  const viewbox = canvas.viewbox()
  if (viewbox.scale >= READABLE * 0.8) return
  const { inner, outer } = viewbox
  const width = outer.width / READABLE
  const height = outer.height / READABLE
  canvas.viewbox({
    x: inner.x - 90 / READABLE, // clear of the palette
    y: inner.y + Math.min(0, (inner.height - height) / 2) - 20,
    width,
    height
  })
}

function start () {
  const config = readConfig()
  const canvasNode = byId('studio-canvas')
  const statusNode = byId('studio-status')
  if (!config || !canvasNode) return

  function status (parts, kind) {
    if (!statusNode) return
    statusNode.replaceChildren(...parts.map((part) => (typeof part === 'string' ? document.createTextNode(part) : part)))
    statusNode.classList.add('app-studio-status')
    for (const name of ['ok', 'error', 'busy']) statusNode.classList.toggle('app-studio-status--' + name, name === kind)
    statusNode.dataset.state = kind || ''
  }

  const modeler = new BpmnModeler({
    container: canvasNode,
    propertiesPanel: { parent: '#studio-properties' },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      { ctflowConfig: ['value', config] },
      CtflowPropertiesModule
    ],
    moddleExtensions: { spiffworkflow }
  })
  const problems = new Problems(modeler, byId('studio-problems'))
  const checkButton = byId('studio-check')
  const saveButton = byId('studio-save')
  let unsaved = false
  let busy = false

  modeler.on('commandStack.changed', () => {
    unsaved = true
    document.body.dataset.studioUnsaved = 'true'
  })

  window.addEventListener('beforeunload', (event) => {
    if (!unsaved) return
    event.preventDefault()
    event.returnValue = ''
  })

  function setBusy (value) {
    busy = value
    for (const button of [checkButton, saveButton]) {
      if (button) button.disabled = value
    }
  }

  function exportXml () {
    return modeler.saveXML({ format: true }).then((result) => result.xml)
  }

  function failure (response, doing) {
    const body = response.body || {}
    if (body.message) return body.message
    if (response.status === 403) return 'You cannot change this council\'s process.'
    if (response.status === 413) return 'The diagram is too large to ' + doing + '.'
    return 'The diagram could not be ' + (doing === 'save' ? 'saved' : 'checked') + ' (error ' + response.status + '). Try again.'
  }

  function check () {
    if (busy) return Promise.resolve(null)
    setBusy(true)
    problems.clear()
    status(['Checking…'], 'busy')
    return exportXml()
      .then((xml) => postXml(config.checkUrl, config.csrfToken, xml))
      .then((response) => {
        const list = (response.body && response.body.problems) || []
        if (response.status === 200 || response.status === 422) {
          problems.show(list)
          if (list.length) {
            status([list.length === 1 ? '1 problem found.' : list.length + ' problems found.'], 'error')
          } else {
            status(['No problems found.'], 'ok')
          }
        } else {
          status([failure(response, 'check')], 'error')
        }
        return response
      })
      .catch((error) => {
        status(['The diagram could not be checked: ' + (error && error.message ? error.message : error)], 'error')
        return null
      })
      .finally(() => setBusy(false))
  }

  function save () {
    if (busy) return Promise.resolve(null)
    setBusy(true)
    problems.clear()
    status(['Saving…'], 'busy')
    return exportXml()
      .then((xml) => postXml(config.saveUrl, config.csrfToken, xml))
      .then((response) => {
        const body = response.body || {}
        if (response.status === 201 || response.status === 200) {
          unsaved = false
          delete document.body.dataset.studioUnsaved
          config.version = body.number
          if (body.created !== false && body.editUrl) {
            // The page of the new draft: its number, its links, and the message the server set.
            status(['Saved as version ' + body.number + '. Opening it…'], 'ok')
            window.location.assign(body.editUrl)
            return response
          }
          const links = []
          if (body.testRunUrl) links.push(' ', link(body.testRunUrl, 'Test-run version ' + body.number, 'studio-test-run-link'))
          if (body.versionsUrl) links.push(' ', link(body.versionsUrl, 'See all versions', 'studio-versions-link'))
          status(['Nothing new to save: the diagram is the same as version ' + body.number + '.', ...links], 'ok')
        } else if (response.status === 422 && body.problems) {
          problems.show(body.problems)
          status(['Not saved: ' + (body.problems.length === 1 ? 'there is a problem' : 'there are ' + body.problems.length + ' problems') + ' with the diagram.'], 'error')
        } else {
          status(['Not saved. ' + failure(response, 'save')], 'error')
        }
        return response
      })
      .catch((error) => {
        status(['Not saved: ' + (error && error.message ? error.message : error)], 'error')
        return null
      })
      .finally(() => setBusy(false))
  }

  if (checkButton) checkButton.addEventListener('click', (event) => { event.preventDefault(); check() })
  if (saveButton) saveButton.addEventListener('click', (event) => { event.preventDefault(); save() })

  const ready = fetch(config.xmlUrl, { credentials: 'same-origin', headers: { Accept: 'application/xml' } })
    .then((response) => {
      if (!response.ok) throw new Error('the diagram could not be loaded (error ' + response.status + ')')
      return response.text()
    })
    .then((xml) => modeler.importXML(xml))
    .then((result) => {
      showDiagram(modeler.get('canvas'))
      modeler.get('commandStack').clear()
      unsaved = false
      canvasNode.classList.add('app-studio__canvas--ready')
      document.body.dataset.studioReady = 'true'
      if (result && result.warnings && result.warnings.length && window.console) {
        window.console.warn('studio: import warnings', result.warnings)
      }
      return modeler
    })
    .catch((error) => {
      canvasNode.classList.add('app-studio__canvas--failed')
      status(['The diagram could not be opened: ' + (error && error.message ? error.message : error)], 'error')
      if (window.console) window.console.error(error)
      return null
    })

  // For tests and debugging: select(id) selects an element, scrolls to it and shows its properties.
  window.ctflowStudio = {
    modeler,
    check,
    save,
    ready,
    problems,
    config,
    select: (id) => problems.select(id),
    isUnsaved: () => unsaved
  }
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start)
} else {
  start()
}
