// Exit this page (TRAUMA_INFORMED.md rule 1): the button, or Shift pressed 3 times, hides the
// page at once and replaces it in history with /exit, which ends the session and redirects to
// a neutral site. location.replace keeps the portal out of the back-button history.
(function () {
  'use strict'
  var button = document.querySelector('.govuk-js-exit-this-page-button')
  if (!button) return
  var root = button.closest('.govuk-exit-this-page')
  var exiting = false

  function exitNow () {
    if (exiting) return
    exiting = true
    document.body.classList.add('govuk-exit-this-page-hide-content')
    var overlay = document.createElement('div')
    overlay.className = 'govuk-exit-this-page-overlay'
    document.body.appendChild(overlay)
    window.location.replace(button.href)
  }

  button.addEventListener('click', function (event) {
    event.preventDefault()
    exitNow()
  })

  var presses = 0
  var timer = null
  var live = document.createElement('span')
  live.className = 'govuk-visually-hidden'
  live.setAttribute('role', 'status')
  if (root) root.appendChild(live)

  document.addEventListener('keyup', function (event) {
    if (event.key !== 'Shift') {
      presses = 0
      return
    }
    presses += 1
    clearTimeout(timer)
    timer = setTimeout(function () { presses = 0; live.textContent = '' }, 5000)
    if (presses >= 3) {
      exitNow()
    } else if (root) {
      live.textContent = root.getAttribute(presses === 1 ? 'data-i18n.press-two-more-times' : 'data-i18n.press-one-more-time') || ''
    }
  })
})()
