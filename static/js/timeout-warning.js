// Idle-timeout warning (WCAG 2.2.1 Timing adjustable). Progressive enhancement: without
// JavaScript the dialog stays closed and nothing else changes. Two minutes before the session
// would end, an accessible modal dialog offers "Stay signed in", which posts the form (with its
// CSRF token) to /session/keep-alive in the background. When the time is up, the page is
// replaced by the signed-out page so nothing stays on screen of a phone left lying around.
(function () {
  'use strict'
  var dialog = document.getElementById('session-timeout-dialog')
  var seconds = parseInt(document.body.getAttribute('data-session-timeout-seconds'), 10)
  if (!dialog || typeof dialog.showModal !== 'function' || !(seconds > 0)) return
  var form = dialog.querySelector('form')
  var signedOutUrl = dialog.getAttribute('data-signed-out-url')
  var WARN_BEFORE = 120
  var warnTimer = null
  var endTimer = null
  var lastFocus = null

  function schedule (remaining, afterKeepAlive) {
    clearTimeout(warnTimer)
    clearTimeout(endTimer)
    // Near the 12-hour limit staying cannot add time: do not ask again straight away.
    if (!(afterKeepAlive && remaining <= WARN_BEFORE)) {
      warnTimer = setTimeout(warn, Math.max(0, remaining - WARN_BEFORE) * 1000)
    }
    endTimer = setTimeout(function () { window.location.replace(signedOutUrl) }, remaining * 1000)
  }

  function warn () {
    if (dialog.open) return
    lastFocus = document.activeElement
    dialog.showModal()
    var stay = form.querySelector('button')
    if (stay) stay.focus()
  }

  function close () {
    if (dialog.open) dialog.close()
    if (lastFocus && typeof lastFocus.focus === 'function') lastFocus.focus()
  }

  form.addEventListener('submit', function (event) {
    if (event.submitter && event.submitter.getAttribute('form') === 'sign-out-form') return
    event.preventDefault()
    fetch(form.action, {
      method: 'POST',
      body: new FormData(form),
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      redirect: 'manual'
    }).then(function (response) {
      if (!response.ok) throw new Error('session ended')
      return response.json()
    }).then(function (data) {
      close()
      schedule(data.secondsRemaining, true)
    }).catch(function () {
      window.location.replace(signedOutUrl)
    })
  })

  schedule(seconds)
})()
