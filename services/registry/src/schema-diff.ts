import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNamedType,
  isNonNullType,
  isObjectType,
  isRequiredArgument,
  isRequiredInputField,
  isScalarType,
  isSpecifiedDirective,
  isUnionType,
  astFromValue,
  getNamedType,
  print,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
} from "graphql";

/**
 * Compares two client-facing (API) schemas and names, for every change, the schema coordinates an
 * operation must use to be affected by it. Usage data then decides whether a schema-breaking change
 * breaks anyone.
 *
 * Coordinates: `Type.field`, `Type.field(arg:)`, `Input.field`, `Enum.VALUE`, `@directive`. A usage
 * entry ending in "." stands for every coordinate of that type (`Product.` matches `Product.price`).
 */

export type Criticality = "breaking" | "dangerous" | "safe";

export type ChangeCode =
  | "TYPE_REMOVED"
  | "TYPE_ADDED"
  | "TYPE_KIND_CHANGED"
  | "FIELD_REMOVED"
  | "FIELD_ADDED"
  | "FIELD_TYPE_CHANGED"
  | "FIELD_DEPRECATED"
  | "ARG_REMOVED"
  | "ARG_ADDED"
  | "REQUIRED_ARG_ADDED"
  | "ARG_TYPE_CHANGED"
  | "ARG_DEFAULT_CHANGED"
  | "INPUT_FIELD_REMOVED"
  | "INPUT_FIELD_ADDED"
  | "REQUIRED_INPUT_FIELD_ADDED"
  | "INPUT_FIELD_TYPE_CHANGED"
  | "INPUT_FIELD_DEFAULT_CHANGED"
  | "ENUM_VALUE_REMOVED"
  | "ENUM_VALUE_ADDED"
  | "UNION_MEMBER_REMOVED"
  | "UNION_MEMBER_ADDED"
  | "INTERFACE_REMOVED"
  | "INTERFACE_ADDED"
  | "DIRECTIVE_REMOVED"
  | "DIRECTIVE_ADDED";

export interface SchemaChange {
  code: ChangeCode;
  criticality: Criticality;
  /** What changed. */
  coordinate: string;
  message: string;
  /** Coordinates whose use makes an operation affected; empty when no operation can be. */
  usage: string[];
}

/** Where each named type is referenced in a schema, to find the operations a type-level change touches. */
interface References {
  /** Output fields returning the type: `Query.product` for Product. */
  returnedBy: Map<string, string[]>;
  /** Arguments and input fields taking the type: `Query.products(filter:)`, `ProductFilter.sort`. */
  takenBy: Map<string, string[]>;
  /** Types that can appear in an argument value, directly or nested in input objects. */
  inputReachable: Set<string>;
}

function push(map: Map<string, string[]>, key: string, value: string) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function referencesOf(schema: GraphQLSchema): References {
  const returnedBy = new Map<string, string[]>();
  const takenBy = new Map<string, string[]>();
  const argumentTypes: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        push(returnedBy, getNamedType(field.type).name, `${type.name}.${field.name}`);
        for (const arg of field.args) {
          push(takenBy, getNamedType(arg.type).name, argCoordinate(type.name, field.name, arg.name));
          argumentTypes.push(getNamedType(arg.type).name);
        }
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) push(takenBy, getNamedType(field.type).name, `${type.name}.${field.name}`);
    }
  }
  for (const directive of schema.getDirectives()) for (const arg of directive.args) argumentTypes.push(getNamedType(arg.type).name);
  const inputReachable = new Set<string>();
  const visit = (name: string) => {
    if (inputReachable.has(name)) return;
    inputReachable.add(name);
    const type = schema.getType(name);
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) visit(getNamedType(field.type).name);
  };
  argumentTypes.forEach(visit);
  return { returnedBy, takenBy, inputReachable };
}

export const argCoordinate = (type: string, field: string, arg: string) => `${type}.${field}(${arg}:)`;

function kindOf(type: GraphQLNamedType): string {
  if (isObjectType(type)) return "object type";
  if (isInterfaceType(type)) return "interface";
  if (isUnionType(type)) return "union";
  if (isEnumType(type)) return "enum";
  if (isInputObjectType(type)) return "input object";
  if (isScalarType(type)) return "scalar";
  return "type";
}

/** An output field's new type is safe when every value it may now return was valid before. */
function safeOutputChange(oldType: GraphQLType, newType: GraphQLType): boolean {
  if (isListType(oldType)) {
    return (
      (isListType(newType) && safeOutputChange(oldType.ofType, newType.ofType)) ||
      (isNonNullType(newType) && safeOutputChange(oldType, newType.ofType))
    );
  }
  if (isNonNullType(oldType)) return isNonNullType(newType) && safeOutputChange(oldType.ofType, newType.ofType);
  return (
    (isNamedType(newType) && oldType.toString() === newType.name) || (isNonNullType(newType) && safeOutputChange(oldType, newType.ofType))
  );
}

/** An argument's (or input field's) new type is safe when every value accepted before still is. */
function safeInputChange(oldType: GraphQLType, newType: GraphQLType): boolean {
  if (isListType(oldType)) return isListType(newType) && safeInputChange(oldType.ofType, newType.ofType);
  if (isNonNullType(oldType)) {
    return (
      (isNonNullType(newType) && safeInputChange(oldType.ofType, newType.ofType)) ||
      (!isNonNullType(newType) && safeInputChange(oldType.ofType, newType))
    );
  }
  return isNamedType(newType) && oldType.toString() === newType.name;
}

const nullabilityOnly = (a: GraphQLType, b: GraphQLType) => a.toString().replace(/!/g, "") === b.toString().replace(/!/g, "");

function typeChangeMessage(what: string, oldType: GraphQLType, newType: GraphQLType, input: boolean): string {
  const detail = nullabilityOnly(oldType, newType)
    ? input
      ? " (nullability tightened: a value clients may omit or send as null is now required)"
      : " (nullability loosened: clients may now receive null)"
    : "";
  return `${what} changed type from ${oldType} to ${newType}${detail}.`;
}

function defaultOf(arg: GraphQLArgument | GraphQLInputField): string | undefined {
  if (arg.defaultValue === undefined) return undefined;
  const ast = astFromValue(arg.defaultValue, arg.type as GraphQLInputType);
  return ast ? print(ast) : String(arg.defaultValue);
}

export function diffSchemas(oldSchema: GraphQLSchema, newSchema: GraphQLSchema): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const refs = referencesOf(oldSchema);
  const newRefs = referencesOf(newSchema);
  const add = (code: ChangeCode, criticality: Criticality, coordinate: string, message: string, usage: string[] = []) =>
    changes.push({ code, criticality, coordinate, message, usage });
  /** Everything that touches a type: its own fields, fields returning it, arguments taking it. */
  const typeUsage = (name: string) => [`${name}.`, ...(refs.returnedBy.get(name) ?? []), ...(refs.takenBy.get(name) ?? [])];

  const oldTypes = oldSchema.getTypeMap();
  const newTypes = newSchema.getTypeMap();
  for (const [name, oldType] of Object.entries(oldTypes)) {
    if (name.startsWith("__")) continue;
    const newType = newTypes[name];
    if (!newType) {
      add("TYPE_REMOVED", "breaking", name, `The ${kindOf(oldType)} ${name} was removed.`, typeUsage(name));
      continue;
    }
    if (kindOf(oldType) !== kindOf(newType)) {
      add("TYPE_KIND_CHANGED", "breaking", name, `${name} changed from ${kindOf(oldType)} to ${kindOf(newType)}.`, typeUsage(name));
      continue;
    }
    if ((isObjectType(oldType) && isObjectType(newType)) || (isInterfaceType(oldType) && isInterfaceType(newType))) {
      diffFields(name, oldType.getFields(), newType.getFields(), add);
      const newInterfaces = new Set(newType.getInterfaces().map((i) => i.name));
      const oldInterfaces = new Set(oldType.getInterfaces().map((i) => i.name));
      for (const iface of oldInterfaces) {
        if (!newInterfaces.has(iface)) {
          add("INTERFACE_REMOVED", "breaking", name, `${name} no longer implements ${iface}.`, refs.returnedBy.get(iface) ?? []);
        }
      }
      for (const iface of newInterfaces) {
        if (!oldInterfaces.has(iface))
          add("INTERFACE_ADDED", "dangerous", name, `${name} now implements ${iface}: fields returning ${iface} may now return a ${name}.`);
      }
    } else if (isUnionType(oldType) && isUnionType(newType)) {
      const newMembers = new Set(newType.getTypes().map((t) => t.name));
      const oldMembers = new Set(oldType.getTypes().map((t) => t.name));
      for (const member of oldMembers) {
        if (!newMembers.has(member))
          add("UNION_MEMBER_REMOVED", "breaking", name, `${member} was removed from the union ${name}.`, refs.returnedBy.get(name) ?? []);
      }
      for (const member of newMembers) {
        if (!oldMembers.has(member))
          add(
            "UNION_MEMBER_ADDED",
            "dangerous",
            name,
            `${member} was added to the union ${name}: clients may receive a type they do not handle.`,
          );
      }
    } else if (isEnumType(oldType) && isEnumType(newType)) {
      const newValues = new Set(newType.getValues().map((v) => v.name));
      const oldValues = new Set(oldType.getValues().map((v) => v.name));
      const asInput = refs.inputReachable.has(name);
      for (const value of oldValues) {
        if (newValues.has(value)) continue;
        if (asInput)
          add(
            "ENUM_VALUE_REMOVED",
            "breaking",
            `${name}.${value}`,
            `The enum value ${name}.${value} was removed; operations sending it will fail.`,
            [`${name}.${value}`],
          );
        // An output-only value that disappears breaks no operation: clients just stop seeing it.
        else
          add(
            "ENUM_VALUE_REMOVED",
            "safe",
            `${name}.${value}`,
            `The enum value ${name}.${value} was removed (output only: clients no longer receive it).`,
          );
      }
      const asOutput = (newRefs.returnedBy.get(name) ?? []).length > 0;
      for (const value of newValues) {
        if (oldValues.has(value)) continue;
        if (asOutput)
          add(
            "ENUM_VALUE_ADDED",
            "dangerous",
            `${name}.${value}`,
            `The enum value ${name}.${value} was added: clients may receive a value they do not handle.`,
            refs.returnedBy.get(name) ?? [],
          );
        else add("ENUM_VALUE_ADDED", "safe", `${name}.${value}`, `The enum value ${name}.${value} was added.`);
      }
    } else if (isInputObjectType(oldType) && isInputObjectType(newType)) {
      const oldFields = oldType.getFields();
      const newFields = newType.getFields();
      for (const [fieldName, oldField] of Object.entries(oldFields)) {
        const coordinate = `${name}.${fieldName}`;
        const newField = newFields[fieldName];
        if (!newField) {
          add(
            "INPUT_FIELD_REMOVED",
            "breaking",
            coordinate,
            `The input field ${coordinate} was removed; operations sending it will fail.`,
            [coordinate],
          );
          continue;
        }
        if (!safeInputChange(oldField.type, newField.type)) {
          add(
            "INPUT_FIELD_TYPE_CHANGED",
            "breaking",
            coordinate,
            typeChangeMessage(`The input field ${coordinate}`, oldField.type, newField.type, true),
            [coordinate],
          );
        } else if (oldField.type.toString() !== newField.type.toString()) {
          add(
            "INPUT_FIELD_TYPE_CHANGED",
            "safe",
            coordinate,
            typeChangeMessage(`The input field ${coordinate}`, oldField.type, newField.type, true),
          );
        }
        const [before, after] = [defaultOf(oldField), defaultOf(newField)];
        if (before !== after) {
          add(
            "INPUT_FIELD_DEFAULT_CHANGED",
            "dangerous",
            coordinate,
            `The default of ${coordinate} changed from ${before ?? "none"} to ${after ?? "none"}.`,
            typeUsage(name),
          );
        }
      }
      for (const [fieldName, newField] of Object.entries(newFields)) {
        if (oldFields[fieldName]) continue;
        const coordinate = `${name}.${fieldName}`;
        if (isRequiredInputField(newField)) {
          add(
            "REQUIRED_INPUT_FIELD_ADDED",
            "breaking",
            coordinate,
            `The required input field ${coordinate} was added; operations sending ${name} without it will fail.`,
            typeUsage(name),
          );
        } else {
          add("INPUT_FIELD_ADDED", "safe", coordinate, `The optional input field ${coordinate} was added.`);
        }
      }
    }
  }
  for (const [name, newType] of Object.entries(newTypes)) {
    if (!name.startsWith("__") && !oldTypes[name]) add("TYPE_ADDED", "safe", name, `The ${kindOf(newType)} ${name} was added.`);
  }

  const newDirectives = new Map(newSchema.getDirectives().map((d) => [d.name, d]));
  const oldDirectives = new Set(oldSchema.getDirectives().map((d) => d.name));
  for (const directive of oldSchema.getDirectives()) {
    if (!isSpecifiedDirective(directive) && !newDirectives.has(directive.name)) {
      add("DIRECTIVE_REMOVED", "breaking", `@${directive.name}`, `The directive @${directive.name} was removed.`, [`@${directive.name}`]);
    }
  }
  for (const name of newDirectives.keys()) {
    if (!oldDirectives.has(name)) add("DIRECTIVE_ADDED", "safe", `@${name}`, `The directive @${name} was added.`);
  }
  return changes;
}

function diffFields(
  typeName: string,
  oldFields: Record<string, GraphQLField<unknown, unknown>>,
  newFields: Record<string, GraphQLField<unknown, unknown>>,
  add: (code: ChangeCode, criticality: Criticality, coordinate: string, message: string, usage?: string[]) => void,
) {
  for (const [fieldName, oldField] of Object.entries(oldFields)) {
    const coordinate = `${typeName}.${fieldName}`;
    const newField = newFields[fieldName];
    if (!newField) {
      add("FIELD_REMOVED", "breaking", coordinate, `The field ${coordinate} was removed.`, [coordinate]);
      continue;
    }
    if (!safeOutputChange(oldField.type, newField.type)) {
      add("FIELD_TYPE_CHANGED", "breaking", coordinate, typeChangeMessage(`The field ${coordinate}`, oldField.type, newField.type, false), [
        coordinate,
      ]);
    } else if (oldField.type.toString() !== newField.type.toString()) {
      add("FIELD_TYPE_CHANGED", "safe", coordinate, typeChangeMessage(`The field ${coordinate}`, oldField.type, newField.type, false));
    }
    if (newField.deprecationReason && !oldField.deprecationReason) {
      add("FIELD_DEPRECATED", "safe", coordinate, `The field ${coordinate} was deprecated: ${newField.deprecationReason}`);
    }
    for (const oldArg of oldField.args) {
      const argCoord = argCoordinate(typeName, fieldName, oldArg.name);
      const newArg = newField.args.find((a) => a.name === oldArg.name);
      if (!newArg) {
        add("ARG_REMOVED", "breaking", argCoord, `The argument ${argCoord} was removed; operations passing it will fail.`, [argCoord]);
        continue;
      }
      if (!safeInputChange(oldArg.type, newArg.type)) {
        add("ARG_TYPE_CHANGED", "breaking", argCoord, typeChangeMessage(`The argument ${argCoord}`, oldArg.type, newArg.type, true), [
          argCoord,
        ]);
      } else if (oldArg.type.toString() !== newArg.type.toString()) {
        add("ARG_TYPE_CHANGED", "safe", argCoord, typeChangeMessage(`The argument ${argCoord}`, oldArg.type, newArg.type, true));
      }
      const [before, after] = [defaultOf(oldArg), defaultOf(newArg)];
      if (before !== after) {
        add(
          "ARG_DEFAULT_CHANGED",
          "dangerous",
          argCoord,
          `The default of ${argCoord} changed from ${before ?? "none"} to ${after ?? "none"}.`,
          [coordinate],
        );
      }
    }
    for (const newArg of newField.args) {
      if (oldField.args.some((a) => a.name === newArg.name)) continue;
      const argCoord = argCoordinate(typeName, fieldName, newArg.name);
      if (isRequiredArgument(newArg)) {
        add(
          "REQUIRED_ARG_ADDED",
          "breaking",
          argCoord,
          `The required argument ${argCoord} was added; operations selecting ${coordinate} without it will fail.`,
          [coordinate],
        );
      } else {
        add("ARG_ADDED", "safe", argCoord, `The optional argument ${argCoord} was added.`);
      }
    }
  }
  for (const fieldName of Object.keys(newFields)) {
    if (!oldFields[fieldName]) add("FIELD_ADDED", "safe", `${typeName}.${fieldName}`, `The field ${typeName}.${fieldName} was added.`);
  }
}

/** Whether a recorded coordinate is one a change's usage list names. */
export function usageMatches(usage: string[], coordinate: string): boolean {
  return usage.some((u) => (u.endsWith(".") ? coordinate.startsWith(u) : coordinate === u));
}
