// Draws the case's own process diagram with the bpmn-js viewer and marks its steps:
// completed ones and the tasks open now (states from the case's rows, via diagram-state.json).
// Loaded as a file so the CSP needs no inline script. The page lists the same steps as text.
(function () {
  'use strict'
  var container = document.getElementById('case-diagram')
  if (!container || typeof window.BpmnJS !== 'function') return

  function fetchOk (url, as) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: as === 'json' ? 'application/json' : 'application/xml' } })
      .then(function (response) {
        if (!response.ok) throw new Error(url + ': ' + response.status)
        return as === 'json' ? response.json() : response.text()
      })
  }

  function mark (canvas, registry, ids, marker) {
    (ids || []).forEach(function (id) {
      if (registry.get(id)) canvas.addMarker(id, marker)
    })
  }

  var viewer = new window.BpmnJS({ container: container })
  Promise.all([fetchOk(container.dataset.diagramUrl, 'xml'), fetchOk(container.dataset.stateUrl, 'json')])
    .then(function (results) {
      return viewer.importXML(results[0]).then(function () { return results[1] })
    })
    .then(function (state) {
      var canvas = viewer.get('canvas')
      var registry = viewer.get('elementRegistry')
      canvas.zoom('fit-viewport')
      mark(canvas, registry, state.completed, 'app-step--completed')
      mark(canvas, registry, state.current, 'app-step--current')
      container.classList.add('app-case-diagram--ready')
    })
    .catch(function (error) {
      container.classList.add('app-case-diagram--failed')
      container.textContent = 'The diagram could not be drawn. The steps are listed below.'
      if (window.console) window.console.error(error)
    })
})()
