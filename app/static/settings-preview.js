// The letter wording preview (app/templates/web/settings_edit.html) re-renders as one types: a
// debounced GET of the preview fragment. Without script the Preview button posts the form.
(function () {
  'use strict'
  var preview = document.getElementById('letters-preview')
  var form = document.getElementById('settings-form')
  if (!preview || !form || !window.fetch) return
  var names = ['support_services', 'appeal_body', 'signature']
  var timer = null
  var latest = 0
  function refresh () {
    var query = new URLSearchParams()
    names.forEach(function (name) {
      var field = form.elements.namedItem(name)
      query.set(name, field ? field.value : '')
    })
    var asked = ++latest
    fetch(preview.dataset.previewUrl + '?' + query.toString(), { credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.text() : null })
      .then(function (html) {
        if (html !== null && asked === latest) preview.innerHTML = html // answers out of order are dropped
      })
      .catch(function () {})
  }
  form.addEventListener('input', function (event) {
    if (names.indexOf(event.target.name) === -1) return
    clearTimeout(timer)
    timer = setTimeout(refresh, 300)
  })
  var button = form.querySelector('[data-preview-button]')
  if (button) button.classList.add('govuk-!-display-none') // the preview follows the typing
})()
