export const FIRST_NAMES = [
  "Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Radia", "Edsger",
  "Frances", "John", "Hedy", "Tim", "Katherine", "Guido", "Sophie", "Bjarne", "Joan", "Niklaus",
];

export const LAST_NAMES = [
  "Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson",
  "Perlman", "Dijkstra", "Allen", "McCarthy", "Lamarr", "Berners-Lee", "Johnson", "van Rossum",
  "Wilson", "Stroustrup", "Clarke", "Wirth",
];

export const CATEGORIES: ReadonlyArray<{ slug: string; name: string; nouns: string[] }> = [
  { slug: "audio", name: "Audio", nouns: ["Headphones", "Speaker", "Earbuds", "Soundbar"] },
  { slug: "cameras", name: "Cameras", nouns: ["Camera", "Lens", "Tripod", "Flash"] },
  { slug: "computers", name: "Computers", nouns: ["Laptop", "Monitor", "Keyboard", "Mouse"] },
  { slug: "phones", name: "Phones", nouns: ["Phone", "Charger", "Case", "Cable"] },
  { slug: "kitchen", name: "Kitchen", nouns: ["Kettle", "Blender", "Pan", "Knife"] },
  { slug: "coffee", name: "Coffee", nouns: ["Grinder", "Espresso Machine", "Mug", "Scale"] },
  { slug: "furniture", name: "Furniture", nouns: ["Chair", "Desk", "Shelf", "Lamp"] },
  { slug: "garden", name: "Garden", nouns: ["Hose", "Planter", "Shears", "Rake"] },
  { slug: "outdoor", name: "Outdoor", nouns: ["Tent", "Backpack", "Sleeping Bag", "Stove"] },
  { slug: "cycling", name: "Cycling", nouns: ["Helmet", "Bike Light", "Pump", "Lock"] },
  { slug: "running", name: "Running", nouns: ["Running Shoe", "Watch", "Vest", "Cap"] },
  { slug: "fitness", name: "Fitness", nouns: ["Dumbbell", "Yoga Mat", "Kettlebell", "Band"] },
  { slug: "books", name: "Books", nouns: ["Novel", "Cookbook", "Atlas", "Guide"] },
  { slug: "toys", name: "Toys", nouns: ["Puzzle", "Board Game", "Kite", "Robot Kit"] },
  { slug: "stationery", name: "Stationery", nouns: ["Notebook", "Pen", "Planner", "Desk Pad"] },
  { slug: "bags", name: "Bags", nouns: ["Tote", "Duffel", "Messenger Bag", "Wallet"] },
  { slug: "clothing", name: "Clothing", nouns: ["Jacket", "Sweater", "Shirt", "Scarf"] },
  { slug: "footwear", name: "Footwear", nouns: ["Boot", "Sneaker", "Sandal", "Slipper"] },
  { slug: "home", name: "Home", nouns: ["Blanket", "Rug", "Clock", "Vase"] },
  { slug: "lighting", name: "Lighting", nouns: ["Desk Lamp", "Bulb", "Lantern", "Strip Light"] },
];

export const ADJECTIVES = [
  "Compact", "Classic", "Pro", "Ultra", "Everyday", "Travel", "Studio", "Eco", "Smart", "Heavy-Duty",
  "Minimal", "Premium", "Lightweight", "Modular", "Vintage", "Wireless", "Rugged", "Deluxe",
];

export const REVIEW_TITLES: Record<number, string[]> = {
  1: ["Broke after a week", "Not as described", "Would not buy again"],
  2: ["Disappointing", "Does the job, barely", "Expected more"],
  3: ["Okay for the price", "Mixed feelings", "Average"],
  4: ["Very good", "Solid choice", "Happy with it"],
  5: ["Excellent", "Exactly what I needed", "Best purchase this year"],
};

export const WAREHOUSES = [
  { id: "wh_ams", code: "AMS", name: "Amsterdam Fulfilment", city: "Amsterdam", country: "NL" },
  { id: "wh_nyc", code: "NYC", name: "New Jersey Distribution", city: "Newark", country: "US" },
  { id: "wh_sin", code: "SIN", name: "Singapore Hub", city: "Singapore", country: "SG" },
] as const;

export const CARRIERS = ["DHL", "UPS", "PostNL"] as const;
