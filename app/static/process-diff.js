// Draws both versions of a diagram with the bpmn-js viewer and colours what the diff found:
// on the newer one what was added and changed, on the older one what was removed and changed.
// The element lists come from the server's diff (the page lists the same changes as text).
(function () {
  'use strict'
  var data = document.getElementById('diff-data')
  if (!data || typeof window.BpmnJS !== 'function') return
  var diff = JSON.parse(data.textContent)
  var marks = {
    after: [[diff.added, 'app-diff--added'], [diff.changed, 'app-diff--changed']],
    before: [[diff.removed, 'app-diff--removed'], [diff.changed, 'app-diff--changed']]
  }

  function draw (container) {
    var side = container.dataset.side
    var viewer = new window.BpmnJS({ container: container })
    return fetch(diff[side], { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error(diff[side] + ': ' + response.status)
        return response.text()
      })
      .then(function (xml) { return viewer.importXML(xml) })
      .then(function () {
        var canvas = viewer.get('canvas')
        var registry = viewer.get('elementRegistry')
        var first = null
        marks[side].forEach(function (pair) {
          pair[0].forEach(function (id) {
            var element = registry.get(id)
            if (!element) return
            canvas.addMarker(id, pair[1])
            first = first || element
          })
        })
        // A whole lifecycle fitted to the width is too small to read: show the first change
        // at a readable size instead (the viewer pans and zooms with the mouse).
        if (first) {
          canvas.zoom(0.9)
          canvas.scrollToElement(first, { top: 120, left: 200, right: 200, bottom: 120 })
        } else {
          canvas.zoom('fit-viewport')
        }
        container.classList.add('app-diff-diagram--ready')
      })
      .catch(function (error) {
        container.textContent = 'The diagram could not be drawn. The changes are listed above.'
        if (window.console) window.console.error(error)
      })
  }

  Array.prototype.forEach.call(document.querySelectorAll('.app-diff-diagram'), draw)
})()
