export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}
