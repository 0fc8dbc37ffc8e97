/*
 * dcmjs (inside Cornerstone's metadata reader) logs "Invalid vr type xs - using US" through
 * console.error for every element whose dictionary VR is "US or SS" in an implicit VR file
 * (Smallest/Largest Image Pixel Value, Pixel Padding Value): three errors per MR slice, for a
 * valid file, drowning real errors. Its logger binds console.error when dcmjs loads, so this
 * module is imported first in main.tsx and drops exactly those lines, nothing else.
 */
const ambiguousVr = /^Invalid vr type$/;
const original = console.error.bind(console);
console.error = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && ambiguousVr.test(args[0]) && (args[1] === 'xs' || args[1] === 'ox')) return;
  original(...args);
};
export {};
