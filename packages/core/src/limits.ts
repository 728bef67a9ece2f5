/** The default of `--max-file-size`: a larger file or blob is skipped, unread, with a `too-large` warning. */
export const DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024;
