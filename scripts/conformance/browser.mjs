// The "person's browser" for the conformance suite: the suite's authorization server approves
// at once with a redirect, so following it to the loopback (which only this computer can reach)
// completes the sign-in exactly as a browser would. The CLI starts this through $BROWSER.
const [url] = process.argv.slice(2);
let target = new URL(url);
for (let hop = 0; hop < 10; hop++) {
  const response = await fetch(target, { redirect: 'manual' });
  await response.body?.cancel();
  const location = response.headers.get('location');
  if (!location) break;
  target = new URL(location, target);
}
