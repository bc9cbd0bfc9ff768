// Small helpers: dates in words, and same-origin requests carrying the CSRF token.

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December']

/** "2026-11-23" → "Monday 23 November 2026" (the GOV.UK style); anything else unchanged. */
export function longDate (iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '')
  if (!match) return iso || ''
  const date = new Date(Date.UTC(+match[1], +match[2] - 1, +match[3]))
  return DAYS[date.getUTCDay()] + ' ' + date.getUTCDate() + ' ' + MONTHS[date.getUTCMonth()] + ' ' + date.getUTCFullYear()
}

function readBody (response) {
  const type = response.headers.get('Content-Type') || ''
  if (type.indexOf('json') === -1) return Promise.resolve(null)
  return response.json().catch(() => null)
}

function send (url, csrfToken, contentType, body) {
  return fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': contentType, 'X-CSRFToken': csrfToken || '', Accept: 'application/json' },
    body
  }).then((response) => readBody(response).then((data) => ({ status: response.status, body: data })))
}

/** POST a JSON body; resolves to {status, body} (body null when not JSON). */
export function postJson (url, csrfToken, data) {
  return send(url, csrfToken, 'application/json', JSON.stringify(data))
}

/** POST BPMN XML; resolves to {status, body}. */
export function postXml (url, csrfToken, xml) {
  return send(url, csrfToken, 'application/xml', xml)
}
