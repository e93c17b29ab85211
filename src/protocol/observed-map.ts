/** A Map that reports every change, so that durable state can follow it (see src/store/). */
export type ChangeListener<K, V> = (key: K, value: V | undefined) => void;

export class ObservedMap<K, V> extends Map<K, V> {
  listener: ChangeListener<K, V> | undefined;

  override set(key: K, value: V): this {
    super.set(key, value);
    this.listener?.(key, value);
    return this;
  }

  override delete(key: K): boolean {
    const had = super.delete(key);
    if (had) this.listener?.(key, undefined);
    return had;
  }

  override clear(): void {
    if (this.listener) for (const k of this.keys()) this.listener(k, undefined);
    super.clear();
  }
}
