// GOV.UK Frontend needs these classes before components render; a file, not inline (CSP).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
