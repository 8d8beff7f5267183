/**
 * @param {DragEvent} event
 */
const carriesFiles = (event) => event.dataTransfer?.types.includes('Files') ?? false;

/**
 * Where files come from: the picker, and a drop anywhere on the page (without
 * this, a drop that misses the zone would make the browser navigate away to
 * the image). The zone lights up while files are dragged over the page.
 *
 * @example
 *   acceptFiles({ dropzone, picker }, (files) => addFiles(files));
 *
 * @param {{ dropzone: HTMLElement, picker: HTMLInputElement }} elements
 * @param {(files: Iterable<File>) => void} onFiles
 */
export function acceptFiles({ dropzone, picker }, onFiles) {
  picker.addEventListener('change', () => {
    onFiles(picker.files ?? []);
    // Lets the same file be picked again: after a failure, or to resume.
    picker.value = '';
  });

  let dragDepth = 0;
  document.addEventListener('dragenter', (event) => {
    if (!carriesFiles(event)) return;
    dragDepth++;
    dropzone.classList.add('dragging');
  });
  document.addEventListener('dragleave', (event) => {
    if (!carriesFiles(event)) return;
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) dropzone.classList.remove('dragging');
  });
  document.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('drop', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    dragDepth = 0;
    dropzone.classList.remove('dragging');
    onFiles(event.dataTransfer?.files ?? []);
  });
}
