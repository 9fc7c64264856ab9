/**
 * GraphiQL's saved tabs and history, kept under our own prefix so that another GraphiQL on the
 * same origin never mixes its state with ours.
 */
const PREFIX = "store-explorer:";

export function namespacedStorage(): Storage {
  const keys = () => Object.keys(localStorage).filter((key) => key.startsWith(PREFIX));
  return {
    getItem: (key) => localStorage.getItem(PREFIX + key),
    setItem: (key, value) => localStorage.setItem(PREFIX + key, value),
    removeItem: (key) => localStorage.removeItem(PREFIX + key),
    clear: () => keys().forEach((key) => localStorage.removeItem(key)),
    key: (index) => keys()[index]?.slice(PREFIX.length) ?? null,
    get length() {
      return keys().length;
    },
  };
}

/** True until GraphiQL has saved tabs: the first visit opens on an example. */
export function isFirstVisit(storage: Storage): boolean {
  try {
    return storage.getItem("graphiql:tabState") === null;
  } catch {
    return true;
  }
}
