/** A Map that reports every change, so that durable state can follow it (see src/store/). */
export type ChangeListener<K, V> = (key: K, value: V | undefined) => void;

/**
 * A Map that can keep only part of its entries in memory: `forget` drops one from memory without
 * it counting as a change, and `fallback` (durable state) finds one that is not in memory.
 */
export class FallbackMap<K, V> extends Map<K, V> {
  fallback: ((key: K) => V | undefined) | undefined;

  override get(key: K): V | undefined {
    const v = super.get(key);
    return v !== undefined || !this.fallback ? v : this.fallback(key);
  }

  override has(key: K): boolean {
    return super.has(key) || (this.fallback !== undefined && this.fallback(key) !== undefined);
  }

  /** Drops the entry from memory only (durable state, if any, keeps it). */
  forget(key: K): boolean {
    return super.delete(key);
  }

  /** In memory only, without the fallback. */
  held(key: K): V | undefined {
    return super.get(key);
  }
}

export class ObservedMap<K, V> extends FallbackMap<K, V> {
  listener: ChangeListener<K, V> | undefined;

  override set(key: K, value: V): this {
    super.set(key, value);
    this.listener?.(key, value);
    return this;
  }

  override delete(key: K): boolean {
    // what durable state holds is deleted too, in memory or not
    const had = this.forget(key) || (this.fallback !== undefined && this.fallback(key) !== undefined);
    if (had) this.listener?.(key, undefined);
    return had;
  }

  override clear(): void {
    if (this.listener) for (const k of this.keys()) this.listener(k, undefined);
    super.clear();
  }
}
