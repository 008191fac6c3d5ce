// Start GOV.UK Frontend components. Exit this page is handled by exit.js instead, because it
// must replace the history entry (location.replace) rather than add one.
import {
  Button, CharacterCount, Checkboxes, ErrorSummary, NotificationBanner, PasswordInput, Radios,
  ServiceNavigation, SkipLink, createAll
} from '/static/govuk/govuk-frontend.min.js'

for (const Component of [Button, CharacterCount, Checkboxes, ErrorSummary, NotificationBanner,
  PasswordInput, Radios, ServiceNavigation, SkipLink]) {
  createAll(Component)
}
