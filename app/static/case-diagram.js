// Draws the case's own process diagram with the bpmn-js viewer, marks its steps (completed ones,
// and the tasks open now: states from the case's rows, via diagram-state.json) and opens on the
// current step. Zoom in, zoom out, the whole process and the current step are buttons; the
// diagram pans by dragging, and by the arrow keys (+ and - zoom) when it has focus.
// Loaded as a file so the CSP needs no inline script. The page lists the same steps as text.
(function () {
  'use strict'
  var container = document.getElementById('case-diagram')
  var controls = document.getElementById('diagram-controls')
  if (!container || typeof window.BpmnJS !== 'function') return

  var ZOOM_STEP = 1.25
  var MIN_ZOOM = 0.2
  var MAX_ZOOM = 4
  var PAN_STEP = 80 // pixels per arrow key press
  var PADDING = 80 // around the current step, in diagram units

  function fetchOk (url, as) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: as === 'json' ? 'application/json' : 'application/xml' } })
      .then(function (response) {
        if (!response.ok) throw new Error(url + ': ' + response.status)
        return as === 'json' ? response.json() : response.text()
      })
  }

  var viewer = new window.BpmnJS({ container: container })
  var canvas = null
  var currentIds = []

  function mark (registry, ids, marker) {
    (ids || []).forEach(function (id) {
      if (registry.get(id)) canvas.addMarker(id, marker)
    })
  }

  function zoomBy (factor) {
    var level = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, canvas.zoom() * factor))
    var box = canvas.viewbox()
    // Around the middle of what is shown, so the step in view stays in view.
    canvas.zoom(level, { x: box.outer.width / 2, y: box.outer.height / 2 })
  }

  // The open steps in the middle, as large as they fit but never larger than life size.
  function showCurrent () {
    var registry = viewer.get('elementRegistry')
    var shapes = currentIds.map(function (id) { return registry.get(id) }).filter(Boolean)
    if (!shapes.length) {
      canvas.zoom('fit-viewport', 'auto')
      return
    }
    var left = Infinity; var top = Infinity; var right = -Infinity; var bottom = -Infinity
    shapes.forEach(function (s) {
      left = Math.min(left, s.x); top = Math.min(top, s.y)
      right = Math.max(right, s.x + s.width); bottom = Math.max(bottom, s.y + s.height)
    })
    var outer = canvas.viewbox().outer
    var width = right - left + 2 * PADDING
    var height = bottom - top + 2 * PADDING
    var scale = Math.min(1, outer.width / width, outer.height / height)
    var shownWidth = outer.width / scale
    var shownHeight = outer.height / scale
    canvas.viewbox({
      x: (left + right) / 2 - shownWidth / 2,
      y: (top + bottom) / 2 - shownHeight / 2,
      width: shownWidth,
      height: shownHeight
    })
  }

  var actions = {
    in: function () { zoomBy(ZOOM_STEP) },
    out: function () { zoomBy(1 / ZOOM_STEP) },
    fit: function () { canvas.zoom('fit-viewport', 'auto') },
    current: showCurrent
  }

  function enableControls () {
    if (controls) {
      controls.hidden = false
      controls.addEventListener('click', function (event) {
        var button = event.target.closest('[data-diagram-zoom]')
        if (button && actions[button.dataset.diagramZoom]) actions[button.dataset.diagramZoom]()
      })
    }

    // Drag to pan (mouse, pen or touch).
    var drag = null
    container.addEventListener('pointerdown', function (event) {
      if (event.button !== 0) return
      drag = { x: event.clientX, y: event.clientY, id: event.pointerId }
      container.setPointerCapture(event.pointerId)
      container.classList.add('app-case-diagram--dragging')
    })
    container.addEventListener('pointermove', function (event) {
      if (!drag || event.pointerId !== drag.id) return
      canvas.scroll({ dx: event.clientX - drag.x, dy: event.clientY - drag.y })
      drag.x = event.clientX
      drag.y = event.clientY
    })
    function endDrag (event) {
      if (!drag || event.pointerId !== drag.id) return
      drag = null
      container.classList.remove('app-case-diagram--dragging')
    }
    container.addEventListener('pointerup', endDrag)
    container.addEventListener('pointercancel', endDrag)

    // Keyboard, when the diagram has focus.
    var keys = {
      ArrowLeft: function () { canvas.scroll({ dx: PAN_STEP, dy: 0 }) },
      ArrowRight: function () { canvas.scroll({ dx: -PAN_STEP, dy: 0 }) },
      ArrowUp: function () { canvas.scroll({ dx: 0, dy: PAN_STEP }) },
      ArrowDown: function () { canvas.scroll({ dx: 0, dy: -PAN_STEP }) },
      '+': actions.in,
      '=': actions.in,
      '-': actions.out,
      0: actions.fit
    }
    container.addEventListener('keydown', function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || !keys[event.key]) return
      event.preventDefault()
      keys[event.key]()
    })
  }

  Promise.all([fetchOk(container.dataset.diagramUrl, 'xml'), fetchOk(container.dataset.stateUrl, 'json')])
    .then(function (results) {
      return viewer.importXML(results[0]).then(function () { return results[1] })
    })
    .then(function (state) {
      canvas = viewer.get('canvas')
      var registry = viewer.get('elementRegistry')
      currentIds = state.current || []
      mark(registry, state.completed, 'app-step--completed')
      mark(registry, currentIds, 'app-step--current')
      showCurrent()
      enableControls()
      container.classList.add('app-case-diagram--ready')
    })
    .catch(function (error) {
      container.classList.add('app-case-diagram--failed')
      container.textContent = 'The diagram could not be drawn. The steps are listed below.'
      if (window.console) window.console.error(error)
    })
})()
