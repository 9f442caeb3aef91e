// A "copy" button after each read-only field marked data-copy (the calendar links). Without
// JavaScript the field is still there to select and copy by hand; with it, one tap copies.
document.querySelectorAll('input[data-copy]').forEach(function (input) {
  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'secondary copy';
  button.textContent = input.getAttribute('data-copy');
  button.addEventListener('click', function () {
    var done = function () { button.textContent = input.getAttribute('data-copied'); };
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done);
    } else if (document.execCommand('copy')) {
      done();
    }
  });
  input.addEventListener('focus', function () { input.select(); });
  input.insertAdjacentElement('afterend', button);
});
