/**
 * A plain object at the size of its members: a copy with its own members in the same order and
 * Object.prototype as its prototype, all held in the object itself, or the object when it has as many
 * members as `{}` has room for. V8 gives an object built from `{}` room for four members (56 bytes),
 * unused when it gets fewer, and puts a fifth and later ones in a separate property array (40 bytes and
 * one object more). The copy is made by a constructor kept per number of members, whose objects V8
 * sizes to the members its first objects got (in-object slack tracking): 8 bytes a member and 24.
 * For objects a model keeps per rule (nftables matches: the text shape at 100k has 40,000 of five or
 * six dimensions, the sets shape 110,000 of two).
 */
export function sized<T extends object>(o: T): T {
  let n = 0;
  for (const k in o) if (Object.hasOwn(o, k)) n++;
  if (n === FITS) return o;
  let make = MAKERS[n];
  if (make === undefined) MAKERS[n] = make = maker();
  return new make(o) as T;
}

/** The members an object built from `{}` holds in itself. */
const FITS = 4;

type Maker = new (o: object) => object;

/** The constructor per number of members (V8 sizes each one's objects on its own). */
const MAKERS: (Maker | undefined)[] = [];

function maker(): Maker {
  // A constructor function, not a class: its objects' prototype is Object.prototype, as a literal's.
  const make = function (this: Record<string, unknown>, o: Record<string, unknown>): void {
    for (const k in o) if (Object.hasOwn(o, k)) this[k] = o[k];
  };
  make.prototype = Object.prototype;
  return make as unknown as Maker;
}
